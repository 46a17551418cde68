import { spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '../..');

/**
 * The module boundaries of the README's Architecture section are lint errors, not advice: a pure library that imports a
 * framework or a database driver, or a project that reaches into another by a relative path, fails lint.
 * Each probe is written into the project, linted with the repository's own configuration, and removed.
 */
describe('module boundaries', () => {
  const probes = [
    {
      project: 'libs/fee-engine',
      source: `import { DataSource } from 'typeorm';\nexport const probe = DataSource;\n`,
    },
    {
      project: 'libs/domain',
      source: `import { Injectable } from '@nestjs/common';\nexport const probe = Injectable;\n`,
    },
    {
      name: 'fee-engine importing typeorm',
      project: 'libs/crypto',
      source: `import http from 'node:http';\nexport const probe = http;\n`,
    },
    {
      project: 'libs/crypto',
      source: `import { twd } from '@tixclear/domain';\nexport const probe = twd;\n`,
    },
    {
      project: 'libs/domain',
      source: `import { computeFees } from '../../fee-engine/src/index';\nexport const probe = computeFees;\n`,
    },
    {
      project: 'libs/logging',
      source: `import { twd } from '@tixclear/domain';\nexport const probe = twd;\n`,
    },
  ];

  it.each(probes)('fails lint: $name', ({ project, source }) => {
    const file = path.join(ROOT, project, 'src', `boundary-probe-${process.pid}.ts`);
    writeFileSync(file, source);
    try {
      const result = spawnSync(
        path.join(ROOT, 'node_modules/.bin/eslint'),
        ['--max-warnings', '0', '--format', 'json', file],
        {
          cwd: ROOT,
          encoding: 'utf8',
          env: { ...process.env, NX_DAEMON: 'false' },
        },
      );
      const [report] = JSON.parse(result.stdout) as [
        { messages: { ruleId: string | null; severity: number }[] },
      ];
      const rules = report.messages.filter((m) => m.severity === 2).map((m) => m.ruleId);
      expect(rules.some((r) => r === '@nx/enforce-module-boundaries' || r === 'no-restricted-imports')).toBe(
        true,
      );
      expect(result.status).not.toBe(0);
    } finally {
      rmSync(file, { force: true });
    }
  });
});
