import { api, describeError, follow, session } from './api.js';
import { $, h, notice, setBlobSource } from './dom.js';

const mine = new Set();
let stream = null;
let waitingFor = null;

/** Seed 004 sends the failure as a string (its code in error_code); an object {code, message} is read too. */
const failureOf = (job) =>
  typeof job.error === 'string' ? `${job.error_code ? `${job.error_code}: ` : ''}${job.error}` : job.error ? `${job.error.code}: ${job.error.message}` : 'no reason given';

function showQueue({ active_job: active, jobs }) {
  const entries = Object.entries(jobs ?? {}).sort(([, a], [, b]) => String(a.created_at).localeCompare(String(b.created_at)));
  $('music-queue').replaceChildren(
    ...entries.map(([id, job]) =>
      h('li', { 'data-job-id': id, 'data-status': job.status, class: mine.has(id) ? 'mine' : null },
        h('code', {}, id.slice(0, 8)),
        ` ${job.status}${id === active ? ' (generating)' : ''}${mine.has(id) ? ' · yours' : ''} `,
        h('progress', { max: 100, value: job.progress ?? (job.status === 'completed' ? 100 : 0) }),
        job.error ? h('span', { class: 'failed' }, ` ${failureOf(job)}`) : null),
    ),
  );
  const job = waitingFor && jobs?.[waitingFor];
  if (job?.status === 'completed') {
    const id = waitingFor;
    waitingFor = null;
    fetchTrack(id);
  } else if (job?.status === 'failed' || job?.status === 'canceled') {
    notice('music-notice', `The track ${job.status}: ${failureOf(job)}`);
    waitingFor = null;
  }
}

async function fetchTrack(id) {
  try {
    const track = await api(`/music/download/${id}`, { as: 'blob' });
    setBlobSource($('music-audio'), track);
    $('music-download').href = $('music-audio').src;
    $('music-download').download = `${id}.mp3`;
    $('music-track').hidden = false;
    $('music-track').dataset.jobId = id;
    notice('music-notice', 'Your track is ready.', 'info');
  } catch (error) {
    notice('music-notice', describeError(error));
  }
}

async function generate(event) {
  event.preventDefault();
  notice('music-notice', '');
  if (!session.signedIn) return notice('music-notice', 'Sign in to generate music.', 'info');
  try {
    const queued = await api('/music/generate-music-async/', { json: { genre_txt: $('music-genre').value, lyrics_txt: $('music-lyrics').value } });
    mine.add(queued.job_id);
    waitingFor = queued.job_id;
    const status = await api(`/music/job-status/${queued.job_id}`);
    notice('music-notice', `Queued${status.queue_position ? ` at position ${status.queue_position}` : ''}: ${status.status}`, 'info');
    if (status.status === 'completed') return showQueue({ active_job: null, jobs: { [queued.job_id]: status } });
    if (!stream || stream.readyState === EventSource.CLOSED) {
      stream = await follow('/music/events', {
        on: { job_update: (update) => showQueue(update) },
        onBroken: () => notice('music-notice', 'The queue stream broke.'),
      });
    }
  } catch (error) {
    notice('music-notice', describeError(error));
  }
}

export function setUpMusic() {
  $('music-form').addEventListener('submit', generate);
  session.onChange((user) => {
    if (!user) stream?.close();
  });
}
