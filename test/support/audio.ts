/** A WAV file (PCM 16-bit mono) holding a tone: valid audio for upload tests, built without any engine. */
export function toneWav(seconds: number, sampleRate = 16_000, frequency = 220): Buffer {
  const samples = Math.round(seconds * sampleRate);
  const buffer = Buffer.alloc(44 + samples * 2);
  buffer.write('RIFF', 0);
  buffer.writeUInt32LE(36 + samples * 2, 4);
  buffer.write('WAVE', 8);
  buffer.write('fmt ', 12);
  buffer.writeUInt32LE(16, 16);
  buffer.writeUInt16LE(1, 20);
  buffer.writeUInt16LE(1, 22);
  buffer.writeUInt32LE(sampleRate, 24);
  buffer.writeUInt32LE(sampleRate * 2, 28);
  buffer.writeUInt16LE(2, 32);
  buffer.writeUInt16LE(16, 34);
  buffer.write('data', 36);
  buffer.writeUInt32LE(samples * 2, 40);
  for (let i = 0; i < samples; i++) {
    buffer.writeInt16LE(Math.round(8000 * Math.sin((2 * Math.PI * frequency * i) / sampleRate)), 44 + i * 2);
  }
  return buffer;
}

/** A multipart/form-data body with one file field. */
export function multipart(field: string, filename: string, content: Buffer, contentType = 'application/octet-stream') {
  const form = new FormData();
  form.append(field, new Blob([content], { type: contentType }), filename);
  return form;
}
