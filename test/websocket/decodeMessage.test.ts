import { describe, expect, it } from 'vitest';
import { decodeValue, type RawMessageData } from '../../src/websocket/decodeMessage.js';
import { parseValue } from '../../src/runtime/parseText.js';
import { decodeMessage, parseText } from '../helpers/decodeOracle.js';

const ab = (text: string): ArrayBuffer => {
  const bytes = new TextEncoder().encode(text);
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
};

describe('decodeMessage (the test oracle, test/helpers/decodeOracle.ts)', () => {
  describe('binary frames', () => {
    it('returns a Buffer or ArrayBuffer as it is, whatever the parse option', () => {
      const buf = Buffer.from('{"a":1}');
      const arr = new ArrayBuffer(4);
      expect(decodeMessage(buf, true, 'json')).toEqual({ value: buf });
      expect(decodeMessage(buf, true, 'auto').value).toBe(buf);
      expect(decodeMessage(arr, true, (t) => t.length).value).toBe(arr);
    });

    it('concatenates ws fragments into one Buffer', () => {
      const { value } = decodeMessage([Buffer.from([1, 2]), Buffer.from([3])], true, 'auto');
      expect(Buffer.isBuffer(value)).toBe(true);
      expect([...(value as Buffer)]).toEqual([1, 2, 3]);
    });
  });

  describe('text decoding', () => {
    it('accepts strings (browsers), Buffers and fragments (ws) and ArrayBuffers as UTF-8', () => {
      expect(decodeMessage('héllo', false, 'text')).toEqual({ value: 'héllo' });
      expect(decodeMessage(Buffer.from('héllo'), false, 'text')).toEqual({ value: 'héllo' });
      expect(decodeMessage([Buffer.from('hé'), Buffer.from('llo')], false, 'text')).toEqual({ value: 'héllo' });
      expect(decodeMessage(ab('héllo'), false, 'text')).toEqual({ value: 'héllo' });
    });

    it('joins a multi-byte character split across fragments', () => {
      const bytes = Buffer.from('€');
      expect(decodeMessage([bytes.subarray(0, 1), bytes.subarray(1)], false, 'text').value).toBe('€');
    });
  });

  describe("parse: 'text'", () => {
    it('never parses', () => {
      expect(decodeMessage('{"a":1}', false, 'text')).toEqual({ value: '{"a":1}' });
    });
  });

  describe("parse: 'json'", () => {
    it('parses every frame, including scalars', () => {
      expect(decodeMessage(Buffer.from('{"a":[1,2]}'), false, 'json')).toEqual({ value: { a: [1, 2] } });
      expect(decodeMessage('42', false, 'json')).toEqual({ value: 42 });
      expect(decodeMessage('null', false, 'json')).toEqual({ value: null });
    });

    it('returns the raw text and the error instead of throwing', () => {
      const result = decodeMessage('{oops', false, 'json');
      expect(result.value).toBe('{oops');
      expect(result.parseError).toBeInstanceOf(SyntaxError);
    });
  });

  describe("parse: 'auto'", () => {
    it('parses objects, arrays and strings, after leading JSON whitespace', () => {
      expect(decodeMessage('{"a":1}', false, 'auto')).toEqual({ value: { a: 1 } });
      expect(decodeMessage(' \t\r\n[1,2]', false, 'auto')).toEqual({ value: [1, 2] });
      expect(decodeMessage('"hi"', false, 'auto')).toEqual({ value: 'hi' });
      expect(decodeMessage(Buffer.from('{"b":true}'), false, 'auto')).toEqual({ value: { b: true } });
    });

    it('leaves plain text, numbers, booleans, null and empty frames as strings', () => {
      for (const text of ['hello', '42', 'true', 'null', '', '   ', '\u00a0{"a":1}']) {
        expect(decodeMessage(text, false, 'auto'), JSON.stringify(text)).toEqual({ value: text });
      }
    });

    it('reports text that looks like JSON but is not, keeping the text as the value', () => {
      const result = decodeMessage('[INFO] started', false, 'auto');
      expect(result.value).toBe('[INFO] started');
      expect(result.parseError).toBeInstanceOf(SyntaxError);
    });
  });

  describe('parse: function', () => {
    it('applies the function to every text frame', () => {
      expect(decodeMessage(Buffer.from('a,b'), false, (t) => t.split(','))).toEqual({ value: ['a', 'b'] });
      expect(decodeMessage('plain', false, (t) => t.toUpperCase())).toEqual({ value: 'PLAIN' });
    });

    it('catches what it throws, wrapping non-Errors', () => {
      const thrown = decodeMessage('x', false, () => {
        throw new TypeError('bad');
      });
      expect(thrown).toEqual({ value: 'x', parseError: new TypeError('bad') });
      const odd = decodeMessage('x', false, () => {
        throw 'nope';
      });
      expect(odd.value).toBe('x');
      expect(odd.parseError).toBeInstanceOf(Error);
      expect(odd.parseError?.message).toBe('nope');
    });
  });
});

describe('decodeValue (the per-message path)', () => {
  it('gives the same value as decodeMessage for every parse mode, without a result object', () => {
    const frames: Array<[RawMessageData, boolean]> = [
      ['{"a":1}', false],
      [Buffer.from('[1,2]'), false],
      ['plain text', false],
      ['{oops', false],
      [Buffer.from([1, 2, 3]), true],
    ];
    for (const parse of ['auto', 'json', 'text', (t: string) => t.length] as const) {
      for (const [data, isBinary] of frames) {
        expect(decodeValue(data, isBinary, parse)).toEqual(decodeMessage(data, isBinary, parse).value);
      }
    }
  });
});

describe('parseValue (SSE data, the per-message path)', () => {
  it('gives the same value as the oracle for every parse mode', () => {
    const texts = ['{"a":1}', ' \t[1,2]', '"hi"', '42', 'plain text', '{oops', '', '   '];
    for (const parse of ['auto', 'json', 'text', (t: string) => t.length] as const) {
      for (const text of texts) expect(parseValue(text, parse), `${String(parse)} ${JSON.stringify(text)}`).toEqual(parseText(text, parse).value);
    }
  });
});
