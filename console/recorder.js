// The microphone through MediaRecorder: a recording becomes a File the service takes (webm/opus or ogg/opus).
const TYPES = [
  ['audio/webm;codecs=opus', 'webm'],
  ['audio/ogg;codecs=opus', 'ogg'],
  ['audio/webm', 'webm'],
  ['audio/mp4', 'm4a'],
];

export function canRecord() {
  return Boolean(navigator.mediaDevices?.getUserMedia && window.MediaRecorder);
}

/** Starts recording; `stop()` resolves with the recording as a File. */
export async function startRecording(name = 'recording') {
  if (!canRecord()) throw new Error('This browser cannot record here (the microphone needs https or localhost).');
  const stream = await navigator.mediaDevices.getUserMedia({ audio: true });
  const [mimeType, extension] = TYPES.find(([type]) => MediaRecorder.isTypeSupported(type)) ?? ['', 'webm'];
  const recorder = new MediaRecorder(stream, mimeType ? { mimeType } : undefined);
  const chunks = [];
  recorder.addEventListener('dataavailable', (event) => event.data.size > 0 && chunks.push(event.data));
  const stopped = new Promise((resolve) =>
    recorder.addEventListener('stop', () => {
      for (const track of stream.getTracks()) track.stop();
      const type = recorder.mimeType.split(';')[0] || 'audio/webm';
      resolve(new File(chunks, `${name}.${extension}`, { type }));
    }),
  );
  recorder.start();
  return {
    stop() {
      if (recorder.state !== 'inactive') recorder.stop();
      return stopped;
    },
  };
}
