import { describe, expect, it } from 'vitest';
import { decodeWav, encodeWav } from './wav.js';

const pcmFormatChunk = (fields: { tag?: number; channels?: number; rate?: number; bits?: number }) => {
  const { tag = 1, channels = 1, rate = 16_000, bits = 16 } = fields;
  const chunk = Buffer.alloc(24);
  chunk.write('fmt ', 0, 'ascii');
  chunk.writeUInt32LE(16, 4);
  chunk.writeUInt16LE(tag, 8);
  chunk.writeUInt16LE(channels, 10);
  chunk.writeUInt32LE(rate, 12);
  chunk.writeUInt32LE((rate * channels * bits) / 8, 16);
  chunk.writeUInt16LE((channels * bits) / 8, 20);
  chunk.writeUInt16LE(bits, 22);
  return chunk;
};

const chunk = (id: string, body: Buffer) => {
  const header = Buffer.alloc(8);
  header.write(id, 0, 'ascii');
  header.writeUInt32LE(body.length, 4);
  return Buffer.concat([header, body, Buffer.alloc(body.length % 2)]);
};

const riff = (...chunks: Buffer[]) => {
  const body = Buffer.concat(chunks);
  const header = Buffer.alloc(12);
  header.write('RIFF', 0, 'ascii');
  header.writeUInt32LE(body.length + 4, 4);
  header.write('WAVE', 8, 'ascii');
  return Buffer.concat([header, body]);
};

describe(encodeWav.name, () => {
  it('writes a 44-byte PCM16 mono header followed by the samples', () => {
    const wav = encodeWav(new Int16Array([1, -2, 32767, -32768]), 22_050);

    expect(wav.length).toBe(44 + 8);
    expect(wav.toString('ascii', 0, 4)).toBe('RIFF');
    expect(wav.readUInt32LE(4)).toBe(wav.length - 8);
    expect(wav.toString('ascii', 8, 16)).toBe('WAVEfmt ');
    expect(wav.readUInt16LE(20)).toBe(1);
    expect(wav.readUInt16LE(22)).toBe(1);
    expect(wav.readUInt32LE(24)).toBe(22_050);
    expect(wav.readUInt32LE(28)).toBe(44_100);
    expect(wav.readUInt16LE(34)).toBe(16);
    expect(wav.toString('ascii', 36, 40)).toBe('data');
    expect(wav.readUInt32LE(40)).toBe(8);
    expect(wav.readInt16LE(48)).toBe(32767);
    expect(wav.readInt16LE(50)).toBe(-32768);
  });

  it('rejects a sample rate that is not a positive integer', () => {
    expect(() => encodeWav(new Int16Array(1), 0)).toThrow(/sample rate/);
    expect(() => encodeWav(new Int16Array(1), 22_050.5)).toThrow(/sample rate/);
  });
});

describe(decodeWav.name, () => {
  it('round-trips what encodeWav wrote, extremes included', () => {
    const samples = Int16Array.from({ length: 1001 }, (_, i) => Math.round(32767 * Math.sin(i / 7)));
    samples[0] = -32768;

    const decoded = decodeWav(encodeWav(samples, 22_050));

    expect(decoded.sampleRate).toBe(22_050);
    expect(decoded.channels).toBe(1);
    expect(decoded.samples).toEqual(samples);
  });

  it('round-trips empty audio', () => {
    expect(decodeWav(encodeWav(new Int16Array(0), 8_000)).samples).toHaveLength(0);
  });

  it('skips chunks it does not know, with their pad byte, and reads interleaved stereo', () => {
    const data = Buffer.alloc(8);
    [1, -1, 2, -2].forEach((sample, i) => data.writeInt16LE(sample, i * 2));
    const wav = riff(pcmFormatChunk({ channels: 2, rate: 44_100 }), chunk('LIST', Buffer.from('odd')), chunk('data', data));

    expect(decodeWav(wav)).toEqual({ sampleRate: 44_100, channels: 2, samples: new Int16Array([1, -1, 2, -2]) });
  });

  it('rejects what is not 16-bit PCM', () => {
    const data = chunk('data', Buffer.alloc(8));
    expect(() => decodeWav(riff(pcmFormatChunk({ tag: 3, bits: 32 }), data))).toThrow(/format tag 0x3/);
    expect(() => decodeWav(riff(pcmFormatChunk({ bits: 8 }), data))).toThrow(/8-bit PCM/);
    expect(() => decodeWav(riff(pcmFormatChunk({ bits: 24 }), chunk('data', Buffer.alloc(6))))).toThrow(/24-bit PCM/);
  });

  it('rejects files that are not WAV or are cut short', () => {
    expect(() => decodeWav(Buffer.from('ID3\u0004 not a wave file'))).toThrow(/RIFF\/WAVE header/);
    expect(() => decodeWav(riff(pcmFormatChunk({})))).toThrow(/no 'data' chunk/);
    expect(() => decodeWav(riff(chunk('data', Buffer.alloc(4))))).toThrow(/before 'fmt '/);
    expect(() => decodeWav(encodeWav(new Int16Array(100), 8_000).subarray(0, 100))).toThrow(/Truncated/);
  });
});
