import { api, describeError, follow, session } from './api.js';
import { $, h, notice, setBlobSource } from './dom.js';
import { startRecording } from './recorder.js';

let recording = null;

/** One turn in the conversation: what was said, the reply as it streams in, then its audio. */
function turnView(said) {
  const you = h('p', { class: 'you' }, said);
  const reply = h('p', { class: 'reply', 'aria-live': 'polite' });
  const audio = h('audio', { controls: true, hidden: true });
  const item = h('li', { class: 'turn' }, h('span', { class: 'who' }, 'You'), you, h('span', { class: 'who' }, 'Reply'), reply, audio);
  $('voice-log').append(item);
  return { item, you, reply, audio };
}

async function send(input, said) {
  notice('voice-notice', '');
  if (!session.signedIn) return notice('voice-notice', 'Sign in to chat.', 'info');
  const view = turnView(said);
  try {
    const started = await api('/voice/turns', input);
    view.item.dataset.turnId = started.turn_id;
    const failed = (error) => {
      const text = `${error.step ? `step ${error.step}: ` : ''}${error.code}: ${error.message}`;
      view.reply.textContent = text;
      view.reply.classList.add('failed');
      return true;
    };
    await follow(started.events, {
      on: {
        transcript: ({ text }) => void (view.you.textContent = text),
        'reply.delta': ({ text }) => void view.reply.append(text),
        audio: ({ url }) => void playReply(view.audio, url),
        done: (turn) => {
          view.reply.textContent = turn.final_data.ttot_text ?? view.reply.textContent;
          if (turn.final_data.output_wav && !view.audio.getAttribute('src')) playReply(view.audio, turn.final_data.output_wav);
          return true;
        },
        error: failed,
      },
      onBroken: () => notice('voice-notice', 'The reply stream broke.'),
    });
  } catch (error) {
    view.reply.textContent = describeError(error);
    view.reply.classList.add('failed');
    notice('voice-notice', describeError(error));
  }
}

/** The reply audio needs the bearer header: fetched, then played from a blob: URL. */
async function playReply(audio, url) {
  try {
    setBlobSource(audio, await api(url, { as: 'blob' }));
    audio.hidden = false;
    await audio.play().catch(() => undefined);
  } catch (error) {
    notice('voice-notice', `Reply audio: ${describeError(error)}`);
  }
}

async function toggleRecording() {
  const button = $('voice-record');
  if (recording) {
    const current = recording;
    recording = null;
    button.textContent = 'Record';
    button.classList.remove('recording');
    const file = await current.stop();
    const form = new FormData();
    form.append('file', file, file.name);
    return send({ body: form }, '(recording)');
  }
  try {
    recording = await startRecording('voice');
    button.textContent = 'Stop and send';
    button.classList.add('recording');
  } catch (error) {
    notice('voice-notice', `Recording: ${describeError(error)}`);
  }
}

export function setUpVoice() {
  $('voice-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const text = $('voice-text').value.trim();
    if (!text) return;
    $('voice-text').value = '';
    send({ json: { text } }, text);
  });
  $('voice-record').addEventListener('click', toggleRecording);
}
