/**
 * Item 16: web body types are sent as fetch and ky send them, on both
 * transports, checked at a raw `node:http` server that records the content
 * type and the exact bytes it received; a Map, a Set or a class instance is a
 * ValidationError (nothing sent), never `"{}"`.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../../src/http/ApiClient.js';
import { HTTPConnection, ValidationError } from '../../src/index.js';

interface Received {
  method: string;
  contentType: string | undefined;
  bytes: Buffer;
}

let server: Server;
let base = '';
let received: Received[] = [];
/** Status to answer with (503 to exercise retries). */
let status = 200;

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ method: req.method!, contentType: req.headers['content-type'], bytes: Buffer.concat(chunks) });
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end('{"ok":true}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
});

const clients: Array<{ dispose(): Promise<void> }> = [];
afterEach(async () => {
  received = [];
  status = 200;
  await Promise.all(clients.splice(0).map((c) => c.dispose()));
});

const enc = new TextEncoder();
const streamOf = (...parts: string[]) =>
  new ReadableStream<Uint8Array>({
    start(controller) {
      for (const p of parts) controller.enqueue(enc.encode(p));
      controller.close();
    },
  });

for (const transport of ['undici', 'fetch'] as const) {
  describe(`request bodies over ${transport}`, () => {
    const client = () => {
      const c = new ApiClient({ baseURL: base, transport, retryDelay: 1 });
      clients.push(c);
      return c;
    };

    it('FormData → multipart/form-data with its boundary; fields and file arrive', async () => {
      const form = new FormData();
      form.append('name', 'John');
      form.append('file', new Blob(['file-bytes'], { type: 'text/plain' }), 'a.txt');
      await client().post('/upload', form);
      const [got] = received;
      expect(got!.contentType).toMatch(/^multipart\/form-data; boundary=/);
      const parsed = await new Response(new Uint8Array(got!.bytes), { headers: { 'content-type': got!.contentType! } }).formData();
      expect(parsed.get('name')).toBe('John');
      const file = parsed.get('file') as File;
      expect(file.name).toBe('a.txt');
      expect(await file.text()).toBe('file-bytes');
    });

    it('FormData on a client whose headers say Content-Type: application/json still goes as multipart with its boundary', async () => {
      const c = new ApiClient({ baseURL: base, transport, headers: { 'Content-Type': 'application/json' } });
      clients.push(c);
      const form = new FormData();
      form.append('a', '1');
      await c.post('/upload', form);
      await c.post('/json', { a: 1 });
      expect(received[0]!.contentType).toMatch(/^multipart\/form-data; boundary=/);
      expect(received[0]!.bytes.toString()).toContain('name="a"');
      expect(received[1]!.contentType).toBe('application/json');
    });

    it("Blob → its bytes with the blob's type", async () => {
      await client().post('/blob', new Blob([new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 255])], { type: 'image/png' }));
      expect(received[0]!.contentType).toBe('image/png');
      expect([...received[0]!.bytes]).toEqual([0x89, 0x50, 0x4e, 0x47, 0, 255]);
    });

    it('ReadableStream → streamed bytes', async () => {
      await client().post('/stream', streamOf('str', 'eam'));
      expect(received[0]!.bytes.toString()).toBe('stream');
    });

    it('a stream body is not retried (it can be read once)', async () => {
      status = 503;
      await expect(client().post('/stream', streamOf('once'), { retries: 3, headers: { 'idempotency-key': 'k' } })).rejects.toMatchObject({ status: 503 });
      expect(received).toHaveLength(1);
    });

    it('URLSearchParams → application/x-www-form-urlencoded', async () => {
      await client().post('/form', new URLSearchParams({ a: '1', b: 'x y' }));
      expect(received[0]!.contentType).toBe('application/x-www-form-urlencoded;charset=UTF-8');
      expect(received[0]!.bytes.toString()).toBe('a=1&b=x+y');
    });

    it('ArrayBuffer, a Float32Array and a DataView window → exactly their bytes', async () => {
      const c = client();
      await c.post('/ab', new Uint8Array([1, 2, 3]).buffer);
      const floats = new Float32Array([1.5, -2]);
      await c.post('/f32', floats);
      const backing = new Uint8Array([9, 9, 7, 8, 9, 9]);
      await c.post('/dv', new DataView(backing.buffer, 2, 2));
      expect(received.map((r) => r.contentType)).toEqual(Array(3).fill('application/octet-stream'));
      expect([...received[0]!.bytes]).toEqual([1, 2, 3]);
      expect([...received[1]!.bytes]).toEqual([...new Uint8Array(floats.buffer)]);
      expect([...received[2]!.bytes]).toEqual([7, 8]);
    });

    it('HTTPConnection.send sends a FormData body as multipart too', async () => {
      const conn = new HTTPConnection({ url: base, transport });
      clients.push(conn);
      const form = new FormData();
      form.append('k', 'v');
      await conn.send({ method: 'POST', url: '/upload', body: form });
      expect(received[0]!.contentType).toMatch(/^multipart\/form-data; boundary=/);
      expect(received[0]!.bytes.toString()).toContain('name="k"');
    });
  });
}

describe('bodies JSON cannot represent', () => {
  class Point {
    constructor(
      public x = 1,
      public y = 2,
    ) {}
  }
  const cases: Array<[string, unknown]> = [
    ['a Map', new Map([['a', 1]])],
    ['a Set', new Set([1])],
    ['a class instance without toJSON', new Point()],
    ['a Map nested in a plain object', { tags: new Map() }],
  ];
  for (const [what, body] of cases) {
    it(`${what} is a ValidationError and nothing is sent`, async () => {
      const c = new ApiClient({ baseURL: base });
      clients.push(c);
      await expect(c.post('/x', body)).rejects.toBeInstanceOf(ValidationError);
      expect(received).toHaveLength(0);
    });
  }

  it('plain objects, arrays and objects with toJSON (a Date) are still JSON', async () => {
    const c = new ApiClient({ baseURL: base });
    clients.push(c);
    await c.post('/x', { at: new Date(0), list: [1, { a: null }] });
    expect(received[0]!.contentType).toBe('application/json');
    expect(JSON.parse(received[0]!.bytes.toString())).toEqual({ at: '1970-01-01T00:00:00.000Z', list: [1, { a: null }] });
  });
});
