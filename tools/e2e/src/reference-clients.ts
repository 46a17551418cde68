import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import { request } from 'node:http';
import path from 'node:path';
import { promisify } from 'node:util';

/*
 * Seed 001's reference clients (fixtures/seed-001-clients, verbatim) run as programs in their own languages. What
 * is changed is the URL and the literal values an earlier step handed out (`order_id`, `uid`, `key`), in a copy in
 * a temporary folder; the Python ones also get back the indentation the seed text lost (only leading spaces). The
 * samples post to an `https:` URL, so they are served HTTPS: a TLS front (a self-signed certificate for 127.0.0.1)
 * relays to the API. The Node.js samples and most PHP ones turn certificate checks off themselves; the others are
 * given the certificate by configuration, not code: PHP's `curl.cainfo` (`php -d`), Python's `REQUESTS_CA_BUNDLE`,
 * Java's `javax.net.ssl.trustStore`.
 * Their libraries come from Debian: Spongy Castle is Bouncy Castle renamed and Debian ships only the latter, so the
 * five Spongy Castle classes the Java samples name are compiled as subclasses of Bouncy Castle's; Debian's
 * PyCryptodome is `Cryptodome`, so `Crypto` is a link to it on PYTHONPATH.
 */

const run = promisify(execFile);
const FIXTURES = new URL('../../../fixtures/seed-001-clients/', import.meta.url);
export const SEED_URL = 'https://pay.usecase.cc/api/init';
export const LANGUAGES = ['php', 'python', 'node', 'java'] as const;
export type Language = (typeof LANGUAGES)[number];

/** Debian's jars the Java samples compile against (com.fasterxml.jackson, Bouncy Castle under the shim). */
const JARS = ['jackson-databind', 'jackson-core', 'jackson-annotations', 'bcprov'].map(
  (name) => `/usr/share/java/${name}.jar`,
);

/** What a missing runtime takes to install, on Debian (as `.ci/run` does). */
export const INSTALL: Record<Language, string> = {
  php: 'apt-get install php-cli php-curl',
  python: 'apt-get install python3 python3-requests python3-pycryptodome',
  node: '(node runs these specs)',
  java: 'apt-get install default-jdk-headless libjackson2-databind-java libbcprov-java',
};

/** The verbatim sample of `command` in `language`. */
export function sampleText(language: Language, command: string): { file: string; text: string } {
  if (language === 'java') {
    const dir = new URL(`java/${command}/`, FIXTURES);
    const file = readdirSync(dir).find((name) => name.endsWith('.java'));
    if (!file) throw new Error(`no Java sample for ${command}`);
    return { file, text: readFileSync(new URL(file, dir), 'utf8') };
  }
  const ext = { php: 'php', python: 'py', node: 'js' }[language];
  const file = `${command}.${ext}`;
  return { file, text: readFileSync(new URL(`${language}/${file}`, FIXTURES), 'utf8') };
}

/** The document's sample answer for `command` (its 回傳 JSON 結構如下). */
export function sampleAnswer(command: string): Record<string, unknown> {
  return JSON.parse(readFileSync(new URL(`answers/${command}.json`, FIXTURES), 'utf8')) as Record<
    string,
    unknown
  >;
}

/**
 * The seed's Python samples as printed, with each line's indentation restored and nothing else changed: the class
 * at the margin, its attributes and methods one level in, a method's body two; lines inside brackets or
 * docstrings keep their block's level (Python ignores it there); after the class, the lines naming it are
 * module-level again (`StoreOrder = StoreOrder()`, `StoreOrder.run()`). The samples have no other blocks.
 */
export function restorePythonIndentation(text: string): string {
  let className: string | undefined;
  let level = 0;
  let inDocstring = false;
  let depth = 0;
  return text
    .split('\n')
    .map((raw) => {
      const line = raw.trimStart();
      if (line === '') return raw;
      let indent = level;
      if (!inDocstring && depth === 0) {
        const klass = /^class (\w+)\b.*:$/.exec(line.trimEnd());
        if (klass) {
          className = klass[1];
          indent = 0;
          level = 1;
        } else if (className && level > 0 && line.startsWith('def ')) {
          indent = 1;
          level = 2;
        } else if (className && line.startsWith(className)) {
          indent = 0;
          level = 0;
        }
      }
      const quotes = line.split('"""').length - 1;
      if (quotes % 2 === 1) inDocstring = !inDocstring;
      if (quotes === 0 && !inDocstring) {
        const code = line.replace(/'[^']*'|"[^"]*"/g, '').replace(/#.*/, '');
        depth += (code.match(/[([{]/g) ?? []).length - (code.match(/[)\]}]/g) ?? []).length;
      }
      return ' '.repeat(4 * indent) + line;
    })
    .join('\n');
}

/** Replaces each `from` literal, which must occur exactly once in the sample. */
export function substitute(text: string, replacements: ReadonlyArray<readonly [string, string]>): string {
  for (const [from, to] of replacements) {
    const count = text.split(from).length - 1;
    if (count !== 1) throw new Error(`the sample has ${count} occurrences of ${from}, not one`);
    text = text.replace(from, to);
  }
  return text;
}

/**
 * The earlier step's `uid` and `key` a sample carries, as quoted literals: a 5-digit order uid and a 32-hex key
 * (the merchant's own uid and key look like neither). Each must occur once.
 */
export function earlierStepLiterals(text: string): { uid: string; key: string } {
  const uids = text.match(/"\d{5}"/g) ?? [];
  const keys = text.match(/"[0-9a-f]{32}"/g) ?? [];
  if (uids.length !== 1 || keys.length !== 1) {
    throw new Error(`expected one uid and one key literal, found ${uids.join()} / ${keys.join()}`);
  }
  return { uid: uids[0], key: keys[0] };
}

/** The runtimes, checked: the first missing one is named with how to install it (never a silent skip). */
export interface Runtimes {
  php: string;
  python: string;
  /** PYTHONPATH holding `Crypto` when the interpreter has only Debian's `Cryptodome`. */
  pythonPath: string | undefined;
  java: string;
  javac: string;
}

function works(command: string, args: string[], env: NodeJS.ProcessEnv): boolean {
  try {
    execFileSync(command, args, { stdio: 'ignore', timeout: 20_000, env });
    return true;
  } catch {
    return false;
  }
}

/** Checks the runtimes `env` (its PATH) finds; throws naming each missing one and how to install it. */
export function findRuntimes(dir: string, env: NodeJS.ProcessEnv = process.env): Runtimes {
  const missing: string[] = [];
  if (
    !works(
      'php',
      ['-r', 'exit(function_exists("curl_init") && function_exists("openssl_encrypt") ? 0 : 1);'],
      env,
    )
  ) {
    missing.push(`php with curl and openssl: ${INSTALL.php}`);
  }
  let python: string | undefined;
  let pythonPath: string | undefined;
  for (const candidate of ['python3', '/usr/bin/python3']) {
    if (!works(candidate, ['-c', 'import requests'], env)) continue;
    if (works(candidate, ['-c', 'from Crypto.Cipher import AES; from Crypto.Util import Padding'], env)) {
      python = candidate;
      break;
    }
    if (works(candidate, ['-c', 'import Cryptodome'], env)) {
      const where = execFileSync(
        candidate,
        ['-c', 'import Cryptodome, os; print(os.path.dirname(Cryptodome.__file__))'],
        { env },
      )
        .toString()
        .trim();
      pythonPath = path.join(dir, 'python-path');
      mkdirSync(pythonPath, { recursive: true });
      const link = path.join(pythonPath, 'Crypto');
      if (!existsSync(link)) symlinkSync(where, link);
      python = candidate;
      break;
    }
  }
  if (!python) missing.push(`python3 with requests and PyCryptodome: ${INSTALL.python}`);
  if (
    !works('java', ['-version'], env) ||
    !works('javac', ['-version'], env) ||
    !JARS.every((jar) => existsSync(jar))
  ) {
    missing.push(`java 17+ with Jackson and Bouncy Castle (${JARS.join(', ')}): ${INSTALL.java}`);
  }
  if (missing.length > 0) {
    throw new Error(
      `seed 001's reference clients need runtimes this machine lacks:\n  ${missing.join('\n  ')}`,
    );
  }
  return { php: 'php', python: python!, pythonPath, java: 'java', javac: 'javac' };
}

/** The Spongy Castle names the Java samples import, as subclasses of Bouncy Castle's classes. */
const SPONGY: Record<string, string> = {
  'engines/AESEngine': 'public class AESEngine extends org.bouncycastle.crypto.engines.AESEngine {}',
  'modes/CBCBlockCipher': `public class CBCBlockCipher extends org.bouncycastle.crypto.modes.CBCBlockCipher {
  public CBCBlockCipher(org.bouncycastle.crypto.BlockCipher cipher) { super(cipher); }
}`,
  'paddings/PaddedBufferedBlockCipher': `public class PaddedBufferedBlockCipher
    extends org.bouncycastle.crypto.paddings.PaddedBufferedBlockCipher {
  public PaddedBufferedBlockCipher(org.bouncycastle.crypto.BlockCipher cipher) { super(cipher); }
}`,
  'params/KeyParameter': `public class KeyParameter extends org.bouncycastle.crypto.params.KeyParameter {
  public KeyParameter(byte[] key) { super(key); }
}`,
  'params/ParametersWithIV': `public class ParametersWithIV extends org.bouncycastle.crypto.params.ParametersWithIV {
  public ParametersWithIV(org.bouncycastle.crypto.CipherParameters parameters, byte[] iv) { super(parameters, iv); }
}`,
};

/** The folder to run everything in: the TLS certificate, Java's trust store and the Spongy Castle classes. */
export interface Workshop {
  dir: string;
  runtimes: Runtimes;
  cert: string;
  key: string;
  trustStore: string;
  classPath: string;
}

export async function prepareWorkshop(dir: string): Promise<Workshop> {
  const runtimes = findRuntimes(dir);
  const key = path.join(dir, 'front.key');
  const cert = path.join(dir, 'front.pem');
  await run('openssl', [
    'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=127.0.0.1',
    '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', key, '-out', cert,
  ]); // prettier-ignore
  const trustStore = path.join(dir, 'trust.p12');
  await run('keytool', [
    '-importcert', '-noprompt', '-alias', 'front', '-file', cert, '-keystore', trustStore,
    '-storetype', 'PKCS12', '-storepass', 'changeit',
  ]); // prettier-ignore
  const shim = path.join(dir, 'spongy');
  const sources = Object.entries(SPONGY).map(([name, body]) => {
    const file = path.join(shim, 'src', `${name}.java`);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, `package org.spongycastle.crypto.${path.dirname(name)};\n${body}\n`);
    return file;
  });
  const classes = path.join(shim, 'classes');
  await run(runtimes.javac, ['-nowarn', '-cp', JARS.join(':'), '-d', classes, ...sources]);
  return { dir, runtimes, cert, key, trustStore, classPath: [...JARS, classes].join(':') };
}

/** An HTTPS front on 127.0.0.1 relaying every request to `target` (the API), as the samples expect HTTPS. */
export async function startTlsFront(
  workshop: Workshop,
  target: string,
): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer(
    { key: readFileSync(workshop.key), cert: readFileSync(workshop.cert) },
    (incoming, outgoing) => {
      const relay = request(
        new URL(incoming.url ?? '/', target),
        { method: incoming.method, headers: { ...incoming.headers, host: new URL(target).host } },
        (answer) => {
          outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(outgoing);
        },
      );
      relay.on('error', () => outgoing.destroy());
      incoming.pipe(relay);
    },
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the TLS front has no port');
  return {
    url: `https://127.0.0.1:${address.port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * Runs the sample of `command` in `language` with `url` for the seed's and the `replacements` made; parses what
 * it prints (the gateway's JSON answer).
 */
export async function runSample(
  workshop: Workshop,
  language: Language,
  command: string,
  url: string,
  replacements: ReadonlyArray<readonly [string, string]> = [],
): Promise<Record<string, unknown>> {
  const sample = sampleText(language, command);
  let text = substitute(sample.text, [[SEED_URL, url], ...replacements]);
  if (language === 'python') text = restorePythonIndentation(text);
  const folder = path.join(workshop.dir, language, command);
  mkdirSync(folder, { recursive: true });
  const file = path.join(folder, sample.file);
  writeFileSync(file, text);
  const { runtimes } = workshop;
  const [program, args, env]: [string, string[], NodeJS.ProcessEnv] = {
    php: [runtimes.php, ['-d', `curl.cainfo=${workshop.cert}`, file], {}],
    python: [
      runtimes.python,
      [file],
      {
        REQUESTS_CA_BUNDLE: workshop.cert,
        ...(runtimes.pythonPath ? { PYTHONPATH: runtimes.pythonPath } : {}),
      },
    ],
    node: [process.execPath, [file], {}],
    java: [
      runtimes.java,
      [
        `-Djavax.net.ssl.trustStore=${workshop.trustStore}`,
        '-Djavax.net.ssl.trustStorePassword=changeit',
        '-Djavax.net.ssl.trustStoreType=PKCS12',
        '-cp',
        workshop.classPath,
        file,
      ],
      {},
    ],
  }[language] as [string, string[], NodeJS.ProcessEnv];
  const { stdout, stderr } = await run(program, args, {
    cwd: folder,
    env: { ...process.env, ...env },
    timeout: 60_000,
  });
  try {
    return JSON.parse(stdout) as Record<string, unknown>;
  } catch {
    throw new Error(`${language} ${command} printed no JSON answer:\n${stdout}\n${stderr}`);
  }
}
