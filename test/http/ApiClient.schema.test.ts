import { afterEach, describe, expect, it } from 'vitest';
import { ApiClient, ValidationError, type StandardSchemaV1 } from '../../src/index.js';
import { json, startServer, type TestServer } from '../helpers/testServer.js';

/** A hand-written Standard Schema (what zod and valibot expose): `{ name: string }`. */
const named: StandardSchemaV1<unknown, { name: string }> = {
  '~standard': {
    version: 1,
    vendor: 'test',
    validate: (value) =>
      typeof (value as { name?: unknown })?.name === 'string'
        ? { value: { name: (value as { name: string }).name.trim() } }
        : { issues: [{ message: 'name must be a string', path: ['name'] }] },
  },
};

let server: TestServer | undefined;
let client: ApiClient | undefined;
afterEach(async () => {
  await client?.dispose();
  await server?.close();
});

describe('ApiClient with Standard Schema validators', () => {
  it('refuses a request body that fails requestSchema before anything is sent', async () => {
    server = await startServer((req, res) => json(res, 200, { name: ' Jane ' }));
    client = new ApiClient({ baseURL: server.url });
    const error = await client.post('/users', { name: 42 }, { requestSchema: named }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).message).toMatch(/name must be a string/);
    expect(server.requests).toHaveLength(0);
  });

  it('checks and transforms the response body with responseSchema', async () => {
    server = await startServer((req, res) => json(res, 200, { name: ' Jane ' }));
    client = new ApiClient({ baseURL: server.url });
    await expect(client.get('/users/1', { responseSchema: named })).resolves.toEqual({ name: 'Jane' });
    server.setHandler((req, res) => json(res, 200, { nom: 'x' }));
    await expect(client.get('/users/2', { responseSchema: named })).rejects.toMatchObject({ isValidationError: true, rule: 'schema' });
  });
});
