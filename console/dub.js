import { api, describeError, follow, session } from './api.js';
import { $, h, notice, setBlobSource } from './dom.js';
import { canRecord, startRecording } from './recorder.js';

const SCORES = ['overall', 'timing', 'pronunciation', 'intonation', 'fluency', 'completeness'];
let token = null;
let take = null;
let recording = null;
let stream = null;

function select(selected) {
  token = selected;
  $('dub-token').textContent = token
    ? `${token.title} · ${token.actor.name}: “${token.scripts.map((script) => script.text).join(' ')}”`
    : 'Pick a line in the catalog, then record yourself saying it.';
  $('panel-dub').dataset.tokenId = token?.id ?? '';
  updateButtons();
}

function updateButtons() {
  $('dub-record').disabled = !token || !session.signedIn;
  $('dub-upload').disabled = !token || !take || !session.signedIn || Boolean(recording);
  if (token && !session.signedIn) notice('dub-notice', 'Sign in to dub.', 'info');
}

function useTake(file) {
  take = file;
  const preview = $('dub-take');
  preview.hidden = !file;
  if (file) setBlobSource(preview, file);
  updateButtons();
}

async function toggleRecording() {
  const button = $('dub-record');
  notice('dub-notice', '');
  if (recording) {
    const current = recording;
    recording = null;
    button.textContent = 'Record';
    button.classList.remove('recording');
    useTake(await current.stop());
    return;
  }
  try {
    recording = await startRecording(`token-${token.id}`);
    button.textContent = 'Stop';
    button.classList.add('recording');
    updateButtons();
  } catch (error) {
    notice('dub-notice', `Recording: ${describeError(error)}`);
  }
}

function showProgress(frame) {
  $('dub-progress-bar').value = frame.progress ?? 0;
  $('dub-stage').textContent = `${frame.progress ?? 0}% ${frame.message ?? frame.status}`;
  $('dub-log').append(h('li', {}, `${frame.progress ?? 0}% ${frame.message ?? frame.status}`));
}

async function upload() {
  notice('dub-notice', '');
  stream?.close();
  $('dub-result').hidden = true;
  $('dub-progress').hidden = false;
  $('dub-log').replaceChildren();
  $('dub-progress-bar').value = 0;
  $('dub-stage').textContent = 'uploading';
  $('dub-upload').disabled = true;
  const form = new FormData();
  form.append('file', take, take.name);
  try {
    const accepted = await api(`/tokens/${token.id}/upload-audio`, { body: form });
    showProgress({ progress: 0, message: accepted.message, status: accepted.status });
    stream = await follow(`/tokens/analysis-progress/${accepted.job_id}`, {
      onMessage: (frame) => {
        showProgress(frame);
        if (frame.status === 'completed') {
          showResult(accepted.job_id, frame.result);
          return true;
        }
        if (frame.status === 'failed') {
          notice('dub-notice', `${frame.error_code ?? 'FAILED'}: ${frame.message}`);
          return true;
        }
        return false;
      },
      onBroken: () => notice('dub-notice', 'The progress stream broke; the result is on My page.'),
    });
  } catch (error) {
    notice('dub-notice', describeError(error));
  } finally {
    updateButtons();
  }
}

async function showResult(jobId, result) {
  $('dub-result').hidden = false;
  $('dub-result').dataset.jobId = jobId;
  $('dub-scores').replaceChildren(
    ...SCORES.map((name) =>
      h('tr', { 'data-score': name }, h('th', {}, name), h('td', {}, result[name] === null ? '–' : String(Math.round(result[name]))),
        h('td', {}, h('meter', { min: 0, max: 100, low: 50, high: 80, optimum: 100, value: result[name] ?? 0 }))),
    ),
  );
  $('dub-words').replaceChildren(
    ...result.words.map((word) => {
      const offset = word.offset_ms === null || word.offset_ms === undefined ? '' : `${word.offset_ms > 0 ? '+' : word.offset_ms < 0 ? '−' : '±'}${Math.abs(Math.round(word.offset_ms))} ms`;
      return h('span', { class: `word-chip ${word.error_type}`, title: `${word.error_type}, score ${Math.round(word.score ?? 0)}` },
        h('span', { class: 'text' }, word.text), h('span', { class: 'offset' }, offset));
    }),
  );
  document.dispatchEvent(new CustomEvent('console:dubbed'));
  try {
    setBlobSource($('dub-plot'), await api(`/tokens/analysis-result/${jobId}/plot.svg`, { as: 'blob' }));
  } catch (error) {
    notice('dub-notice', `Pitch plot: ${describeError(error)}`);
  }
}

export function setUpDub() {
  document.addEventListener('console:dub', (event) => select(event.detail));
  session.onChange(updateButtons);
  $('dub-record').addEventListener('click', toggleRecording);
  $('dub-record').title = canRecord() ? 'Record from the microphone' : 'This browser cannot record here';
  $('dub-file').addEventListener('change', () => useTake($('dub-file').files[0] ?? null));
  $('dub-upload').addEventListener('click', upload);
  select(null);
}
