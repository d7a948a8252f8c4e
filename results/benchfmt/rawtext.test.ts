// Bytes that are not UTF-8 survive a decode/encode round trip; order is Go's.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { compareRaw, decodeRaw, encodeRaw } from './rawtext.ts';

test('every byte string decodes and encodes back to itself', () => {
  const samples = [
    Buffer.from('plain ascii'),
    Buffer.from('héllo €uro 😀'),
    Buffer.of(0xff, 0xfe, 0x41),
    Buffer.of(0xe2, 0x82), // truncated €
    Buffer.of(0xed, 0xa0, 0x80), // an encoded surrogate, invalid in UTF-8
    Buffer.of(0xf0, 0x9f, 0x98), // truncated 😀
    Buffer.of(0xc0, 0xaf), // overlong '/'
    Buffer.concat([Buffer.from('a😀'), Buffer.of(0x80), Buffer.from('b')]),
  ];
  for (const b of samples) assert.ok(encodeRaw(decodeRaw(b)).equals(b), b.toString('hex'));
  // Each invalid byte is one character, as Go counts one rune per invalid byte.
  assert.is(decodeRaw(Buffer.of(0x76, 0xe2, 0x82)).length, 3);
  assert.is(decodeRaw(Buffer.from('€')), '€');
});

test('strings sort in Go byte order, not UTF-16 order', () => {
  const bytes = [Buffer.from('v€'), Buffer.of(0x76, 0x80), Buffer.from('v😀'), Buffer.from('v\uffff'), Buffer.from('va'), Buffer.from('v')];
  const byGo = [...bytes].sort(Buffer.compare).map((b) => b.toString('hex'));
  const byRaw = bytes.map((b) => decodeRaw(b)).sort(compareRaw).map((s) => encodeRaw(s).toString('hex'));
  assert.equal(byRaw, byGo);
});

test.run();
