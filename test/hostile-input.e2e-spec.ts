import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DemoCatalogSeeder } from '../src/catalog/demo/demo-catalog.seeder.js';
import { signInAdmin, startTestApp, type TestApp } from './support/test-app.js';

/**
 * Every operation of the OpenAPI document, attacked as a hostile client would: a NUL in every string (path,
 * query, body), every integer beyond PostgreSQL's `integer`, `null` for every field that is not nullable, and
 * JSON nested 10,000 levels deep. Driven by the document, so a route added later is attacked without anyone
 * remembering to: none may answer 5xx, and nothing may be stored.
 */

interface Schema {
  $ref?: string;
  type?: string;
  format?: string;
  enum?: unknown[];
  example?: unknown;
  nullable?: boolean;
  items?: Schema;
  properties?: Record<string, Schema>;
  required?: string[];
  allOf?: Schema[];
}
interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema?: Schema;
}
interface Operation {
  parameters?: Parameter[];
  requestBody?: { content: Record<string, { schema: Schema }> };
}
interface Attack {
  name: string;
  method: string;
  path: string;
  query?: Record<string, string>;
  body?: string;
}

const OUT_OF_RANGE = [2_147_483_648, 1e20];
const NUL = 'a\u0000b';
const DEEP_JSON = `{"x":${'['.repeat(10_000)}${']'.repeat(10_000)}}`;
const METHODS_WITH_BODY = ['post', 'put', 'patch', 'delete'];

describe('hostile input on every documented operation (driven by the OpenAPI document)', () => {
  let t: TestApp;
  let admin: Record<string, string>;
  let document: { paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, Schema> } };

  beforeAll(async () => {
    t = await startTestApp({ DIAGNOSTIC_JOBS: 'true' });
    admin = (await signInAdmin(t)).headers;
    await t.get(DemoCatalogSeeder).seed();
    document = await (await t.fetch('/docs-json')).json();
  });
  afterAll(() => t?.close());

  const resolve = (schema: Schema): Schema => {
    if (schema.$ref) return resolve(document.components.schemas[schema.$ref.split('/').pop()!]!);
    if (schema.allOf?.length === 1) return { ...resolve(schema.allOf[0]!), nullable: schema.nullable };
    return schema;
  };

  /** A plausible value of the schema (its example where it has one), so that one bad field is all that is wrong. */
  const sample = (raw: Schema): unknown => {
    const schema = resolve(raw);
    if (schema.example !== undefined) return schema.example;
    if (schema.enum) return schema.enum[0];
    switch (schema.type) {
      case 'integer':
      case 'number':
        return 1;
      case 'boolean':
        return true;
      case 'array':
        return [sample(schema.items ?? { type: 'string' })];
      case 'object':
      case undefined:
        return Object.fromEntries(Object.entries(schema.properties ?? {}).map(([key, value]) => [key, sample(value)]));
      default:
        return schema.format === 'uuid' ? crypto.randomUUID() : schema.format === 'email' ? 'fuzz@example.com' : 'text';
    }
  };

  /** Every (field path, hostile value) of a body schema, nested objects and first array items included. */
  const hostileFields = (raw: Schema, at: string, depth = 0): Array<[string, unknown]> => {
    const schema = resolve(raw);
    const attacks: Array<[string, unknown]> = [];
    if (at && !schema.nullable) attacks.push([at, null]);
    if (schema.type === 'string') attacks.push([at, NUL]);
    if (schema.type === 'integer' || schema.type === 'number') for (const value of OUT_OF_RANGE) attacks.push([at, value]);
    if (depth > 4) return attacks;
    if (schema.type === 'array' && schema.items) attacks.push(...hostileFields(schema.items, `${at}[0]`, depth + 1));
    for (const [key, property] of Object.entries(schema.properties ?? {})) {
      attacks.push(...hostileFields(property, at ? `${at}.${key}` : key, depth + 1));
    }
    return attacks;
  };

  const withValue = (body: unknown, path: string, value: unknown): unknown => {
    const copy = structuredClone(body) as Record<string, unknown>;
    const keys = path.split(/\.|\[|\]/).filter(Boolean);
    let target: Record<string, unknown> = copy;
    for (const key of keys.slice(0, -1)) target = target[key] as Record<string, unknown>;
    target[keys.at(-1)!] = value;
    return copy;
  };

  /** A path parameter that names something that exists, so that validation, not a 404, is what answers. */
  const pathValue = (path: string, parameter: Parameter): string => {
    const schema = resolve(parameter.schema ?? {});
    if (schema.type === 'integer' || schema.type === 'number') return '1';
    if (schema.format === 'uuid' || /job/i.test(parameter.name) || /^\/jobs/.test(path)) return crypto.randomUUID();
    return 'fuzz.txt';
  };

  function attacksOn(path: string, method: string, operation: Operation): Attack[] {
    const parameters = operation.parameters ?? [];
    const pathParameters = parameters.filter((parameter) => parameter.in === 'path');
    const url = (overrides: Record<string, string> = {}) =>
      pathParameters.reduce(
        (result, parameter) => result.replace(`{${parameter.name}}`, overrides[parameter.name] ?? encodeURIComponent(pathValue(path, parameter))),
        path,
      );
    const attacks: Attack[] = [];
    for (const parameter of pathParameters) {
      const schema = resolve(parameter.schema ?? {});
      attacks.push({ name: `path ${parameter.name} NUL`, method, path: url({ [parameter.name]: 'a%00b' }) });
      if (schema.type === 'integer' || schema.type === 'number') {
        for (const value of OUT_OF_RANGE) attacks.push({ name: `path ${parameter.name}=${value}`, method, path: url({ [parameter.name]: String(value) }) });
      }
    }
    for (const parameter of parameters.filter((parameter) => parameter.in === 'query')) {
      const schema = resolve(parameter.schema ?? {});
      attacks.push({ name: `query ${parameter.name} NUL`, method, path: url(), query: { [parameter.name]: NUL } });
      if (schema.type === 'integer' || schema.type === 'number') {
        for (const value of OUT_OF_RANGE) attacks.push({ name: `query ${parameter.name}=${value}`, method, path: url(), query: { [parameter.name]: String(value) } });
      }
    }
    const jsonBody = operation.requestBody?.content['application/json']?.schema;
    if (jsonBody) {
      const base = sample(jsonBody);
      for (const [field, value] of hostileFields(jsonBody, '')) {
        const body = field ? withValue(base, field, value) : value;
        attacks.push({ name: `body ${field || '(whole)'}=${JSON.stringify(value)}`, method, path: url(), body: JSON.stringify(body) });
      }
    }
    if (METHODS_WITH_BODY.includes(method)) attacks.push({ name: 'body nested 10,000 levels', method, path: url(), body: DEEP_JSON });
    return attacks;
  }

  /** Every row of every table of ours, and every stored file: what "nothing is stored" is compared against. */
  async function storedState(): Promise<Record<string, string>> {
    const database = t.get(DataSource);
    const tables: Array<{ table_name: string }> = await database.query(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1`,
    );
    const state: Record<string, string> = {};
    for (const { table_name } of tables) {
      const [row] = await database.query(`SELECT count(*)::int AS n, md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) AS digest FROM "${table_name}" t`);
      state[`table ${table_name}`] = `${row.n} rows, ${row.digest}`;
    }
    const files = await readdir(join(t.dataDir, 'storage'), { recursive: true }).catch(() => []);
    state.files = [...files].sort().join('\n');
    return state;
  }

  it('no operation answers 5xx to a NUL, an out-of-range integer, a null or 10,000 levels of JSON, and nothing is stored', async () => {
    const attacks = Object.entries(document.paths).flatMap(([path, operations]) =>
      Object.entries(operations).flatMap(([method, operation]) => attacksOn(path, method, operation)),
    );
    // Enough of the document is attacked that a regression in any one kind of input shows.
    expect(attacks.filter((attack) => attack.name.includes('NUL')).length).toBeGreaterThan(30);
    expect(attacks.filter((attack) => /=(2147483648|1e\+20)/.test(attack.name)).length).toBeGreaterThan(15);
    expect(attacks.filter((attack) => attack.name.endsWith('=null')).length).toBeGreaterThan(20);
    expect(attacks.filter((attack) => attack.name.includes('10,000')).length).toBeGreaterThan(20);

    const before = await storedState();
    const failures: string[] = [];
    for (const attack of attacks) {
      const query = attack.query ? `?${new URLSearchParams(attack.query)}` : '';
      const response = await t.fetch(`${attack.path}${query}`, {
        method: attack.method.toUpperCase(),
        headers: { ...admin, ...(attack.body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: attack.body,
        signal: AbortSignal.timeout(10_000),
      });
      const text = await response.text();
      if (response.status < 400 || response.status >= 500) {
        failures.push(`${attack.method.toUpperCase()} ${attack.path}${query} [${attack.name}] → ${response.status} ${text.slice(0, 200)}`);
      }
    }
    expect(failures).toEqual([]);
    expect(await storedState()).toEqual(before);
  });

  it('names the field that carries the NUL', async () => {
    const query = await t.fetch('/tokens?q=%00', { headers: admin });
    expect(query.status).toBe(400);
    expect(await query.json()).toMatchObject({ code: 'NUL_CHARACTER', message: expect.stringContaining('q') });
    const body = await t.fetch('/actors', { method: 'POST', headers: { ...admin, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'ok', aliases: ['fine', NUL] }) });
    expect(body.status).toBe(400);
    expect(await body.json()).toMatchObject({ code: 'NUL_CHARACTER', message: expect.stringContaining('aliases[1]') });
  });

  it('answers 400 JSON_TOO_DEEP to deep JSON without signing in, and still takes ordinary bodies', async () => {
    const deep = await t.fetch('/auth/refresh', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: `{"refresh_token":"aaaaaaaaaaaaaaaaaaaaaaaa","x":${'['.repeat(5000)}${']'.repeat(5000)}}`,
    });
    expect(deep.status).toBe(400);
    expect(await deep.json()).toMatchObject({ code: 'JSON_TOO_DEEP' });
    const brackets = await t.fetch('/actors', { method: 'POST', headers: { ...admin, 'content-type': 'application/json' }, body: JSON.stringify({ name: '[[[[{{{{'.repeat(20) }) });
    expect(brackets.status).toBe(201);
  });

  it('a path id that is not a number is named as the client sent it', async () => {
    const response = await t.fetch('/tokens/abc');
    expect(response.status).toBe(400);
    expect((await response.json()).message).toBe('"abc" is not a valid id (a positive integer)');
  });
});
