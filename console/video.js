import { api, describeError, follow } from './api.js';
import { $, clock, download, h, notice, seconds } from './dom.js';

let jobId = null;
let stream = null;

/** PUTs the file to the presigned URL, reporting how much has gone (fetch cannot tell). */
function put(url, file, type, onProgress) {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open('PUT', url);
    request.setRequestHeader('content-type', type);
    request.upload.addEventListener('progress', (event) => event.lengthComputable && onProgress(event.loaded / event.total));
    request.addEventListener('load', () => {
      if (request.status >= 200 && request.status < 300) return resolve();
      let message = request.statusText;
      try {
        const body = JSON.parse(request.responseText);
        message = `${body.code ?? request.status}: ${body.message}`;
      } catch {
        // Not JSON (an S3 XML error): the status text says enough.
      }
      reject(new Error(`Upload refused: ${message}`));
    });
    request.addEventListener('error', () => reject(new Error('Upload failed: the storage could not be reached')));
    request.send(file);
  });
}

function showProgress(percent, text) {
  $('video-progress').hidden = false;
  $('video-progress-bar').value = percent;
  $('video-stage').textContent = text;
}

async function start(event) {
  event.preventDefault();
  const file = $('video-file').files[0];
  if (!file) return;
  notice('video-notice', '');
  stream?.close();
  $('video-result').hidden = true;
  const filetype = file.type || 'video/mp4';
  jobId = null;
  let uploaded = false;
  try {
    const { url, fileKey } = await api('/api/upload-video/generate-url', { json: { filename: file.name, filetype } });
    await put(url, file, filetype, (share) => showProgress(Math.round(share * 100), `uploading ${Math.round(share * 100)}%`));
    uploaded = true;
    showProgress(0, 'uploaded; asking for the transcript');
    const started = await api('/api/upload-video/request-process', { json: { fileKey } });
    jobId = started.jobId;
    showProgress(0, started.message);
    stream = await follow(`/api/upload-video/progress/${jobId}`, {
      onMessage: (frame) => {
        showProgress(frame.progress, `${frame.progress}% ${frame.message ?? frame.status}`);
        if (frame.status === 'completed') {
          showTranscript();
          return true;
        }
        if (frame.status === 'failed' || frame.status === 'canceled') {
          notice('video-notice', `${frame.error?.code ?? frame.status}: ${frame.error?.message ?? frame.message ?? ''}`);
          return true;
        }
        return false;
      },
      onBroken: () => notice('video-notice', 'The progress stream broke.'),
    });
  } catch (error) {
    notice('video-notice', describeError(error));
    if (uploaded && !jobId) showProgress(0, 'uploaded, not transcribed');
  }
}

async function showTranscript() {
  try {
    const transcript = await api(`/api/upload-video/result/${jobId}`);
    $('video-result').hidden = false;
    $('video-meta').textContent = `${transcript.language} · ${seconds(transcript.duration)} · ${transcript.engine.name} (${transcript.engine.model})`;
    $('video-segments').replaceChildren(
      ...transcript.segments.map((segment) =>
        h('li', {}, h('span', { class: 'time' }, `${clock(segment.start)} – ${clock(segment.end)}`), ' ', h('span', { class: 'text' }, segment.text)),
      ),
    );
  } catch (error) {
    notice('video-notice', describeError(error));
  }
}

async function subtitles(format) {
  try {
    download(await api(`/api/upload-video/result/${jobId}.${format}`, { as: 'blob' }), `transcript-${jobId}.${format}`);
  } catch (error) {
    notice('video-notice', describeError(error));
  }
}

export function setUpVideo() {
  $('video-form').addEventListener('submit', start);
  $('video-srt').addEventListener('click', () => subtitles('srt'));
  $('video-vtt').addEventListener('click', () => subtitles('vtt'));
}
