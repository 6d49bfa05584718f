const RIFF_HEADER_BYTES = 12;
const CHUNK_HEADER_BYTES = 8;
const WAVE_FORMAT_PCM = 0x0001;
const WAVE_FORMAT_EXTENSIBLE = 0xfffe;

export interface DecodedWav {
  sampleRate: number;
  channels: number;
  /** Interleaved when there is more than one channel. */
  samples: Int16Array;
}

/** A canonical 44-byte-header RIFF/WAVE file: PCM, 16-bit, mono. */
export function encodeWav(samples: Int16Array, sampleRate: number): Buffer {
  if (!Number.isInteger(sampleRate) || sampleRate <= 0) {
    throw new Error(`WAV sample rate must be a positive integer, got ${sampleRate}`);
  }
  const dataBytes = samples.length * 2;
  const wav = Buffer.alloc(44 + dataBytes);
  wav.write('RIFF', 0, 'ascii');
  wav.writeUInt32LE(36 + dataBytes, 4);
  wav.write('WAVE', 8, 'ascii');
  wav.write('fmt ', 12, 'ascii');
  wav.writeUInt32LE(16, 16);
  wav.writeUInt16LE(WAVE_FORMAT_PCM, 20);
  wav.writeUInt16LE(1, 22);
  wav.writeUInt32LE(sampleRate, 24);
  wav.writeUInt32LE(sampleRate * 2, 28);
  wav.writeUInt16LE(2, 32);
  wav.writeUInt16LE(16, 34);
  wav.write('data', 36, 'ascii');
  wav.writeUInt32LE(dataBytes, 40);
  for (let i = 0; i < samples.length; i++) wav.writeInt16LE(samples[i]!, 44 + i * 2);
  return wav;
}

/** Reads a RIFF/WAVE file of 16-bit PCM (any channel count); anything else is rejected. */
export function decodeWav(buffer: Buffer): DecodedWav {
  const riff = buffer.length >= RIFF_HEADER_BYTES && buffer.toString('ascii', 0, 4) === 'RIFF';
  if (!riff || buffer.toString('ascii', 8, 12) !== 'WAVE') {
    throw new Error('Not a WAV file: missing the RIFF/WAVE header');
  }
  let format: { sampleRate: number; channels: number; blockAlign: number } | undefined;
  let offset = RIFF_HEADER_BYTES;
  while (offset + CHUNK_HEADER_BYTES <= buffer.length) {
    const id = buffer.toString('ascii', offset, offset + 4);
    const size = buffer.readUInt32LE(offset + 4);
    const body = offset + CHUNK_HEADER_BYTES;
    if (body + size > buffer.length) throw new Error(`Truncated WAV file: the '${id}' chunk runs past the end`);
    if (id === 'fmt ') {
      format = readPcm16Format(buffer, body, size);
    } else if (id === 'data') {
      if (!format) throw new Error("Invalid WAV file: the 'data' chunk comes before 'fmt '");
      if (size % format.blockAlign !== 0) throw new Error('Invalid WAV file: the data is not a whole number of sample frames');
      const samples = new Int16Array(size / 2);
      for (let i = 0; i < samples.length; i++) samples[i] = buffer.readInt16LE(body + i * 2);
      return { sampleRate: format.sampleRate, channels: format.channels, samples };
    }
    // Chunks are word-aligned: an odd-sized chunk is followed by one pad byte.
    offset = body + size + (size % 2);
  }
  throw new Error(format ? "Invalid WAV file: no 'data' chunk" : "Invalid WAV file: no 'fmt ' chunk");
}

function readPcm16Format(buffer: Buffer, body: number, size: number) {
  if (size < 16) throw new Error("Invalid WAV file: the 'fmt ' chunk is too short");
  let formatTag = buffer.readUInt16LE(body);
  if (formatTag === WAVE_FORMAT_EXTENSIBLE && size >= 40) formatTag = buffer.readUInt16LE(body + 24);
  const channels = buffer.readUInt16LE(body + 2);
  const sampleRate = buffer.readUInt32LE(body + 4);
  const blockAlign = buffer.readUInt16LE(body + 12);
  const bitsPerSample = buffer.readUInt16LE(body + 14);
  if (formatTag !== WAVE_FORMAT_PCM) {
    throw new Error(`Unsupported WAV encoding: format tag 0x${formatTag.toString(16)}; only 16-bit PCM is supported`);
  }
  if (bitsPerSample !== 16) throw new Error(`Unsupported WAV encoding: ${bitsPerSample}-bit PCM; only 16-bit PCM is supported`);
  if (channels < 1 || sampleRate < 1 || blockAlign !== channels * 2) throw new Error('Invalid WAV file: inconsistent PCM format fields');
  return { sampleRate, channels, blockAlign };
}
