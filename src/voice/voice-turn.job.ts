import { Injectable } from '@nestjs/common';
import { JobProcessor, type JobContext, type JobHandler } from '../jobs/job-definition.js';
import type { JobProjection } from '../jobs/job-stream.js';
import { VOICE_TURN_JOB, type VoiceTurnJobPayload } from './voice-turn-job.constants.js';
import { VoiceService } from './voice.service.js';


/** Stages of a voice turn's job; each progress update is one event on its stream. */
const STAGE = { transcript: 'transcript', delta: 'reply.delta', audio: 'audio' } as const;

/**
 * Runs the three steps of a turn started by POST /voice/turns. The recognised text, each piece of the reply and
 * the audio URL go out as job progress (stage + message), in order, so the stream can replay them.
 */
@Injectable()
@JobProcessor({ type: VOICE_TURN_JOB, retryLimit: 0, retryDelaySeconds: 1, deadlineSeconds: 15 * 60 })
export class VoiceTurnJob implements JobHandler<VoiceTurnJobPayload> {
  constructor(private readonly voice: VoiceService) {}

  async handle({ job, signal, progress }: JobContext<VoiceTurnJobPayload>) {
    const turn = await this.voice.turnById(job.payload.turnId);
    let published = Promise.resolve();
    let deltas = 0;
    const publish = (percent: number, stage: string, message: string) => {
      published = published.then(() => progress(percent, stage, message));
    };
    const result = await this.voice.runSteps(
      turn,
      {
        transcript: (text) => publish(30, STAGE.transcript, text),
        replyDelta: (text) => publish(Math.min(89, 40 + deltas++), STAGE.delta, text),
        audio: (url) => publish(95, STAGE.audio, url),
      },
      signal,
    );
    await published;
    return result as unknown as Record<string, unknown>;
  }
}

/** `event: transcript|reply.delta|audio` with `data: {text}` / `{url}`, then `done` (the turn) or `error` ({step, code, message, turn}). */
export const voiceTurnFrame: JobProjection = ({ data: job }) => {
  if (job.status === 'completed') {
    // A step that failed (the turn is saved all the same): `error` with its code, and the turn as `done` would carry it.
    const turn = job.result as { errors?: Array<{ step: string; code: string; message: string }> } | null;
    const failed = turn?.errors?.[0];
    return failed ? { event: 'error', data: { ...failed, turn } } : { event: 'done', data: turn };
  }
  if (job.status === 'failed' || job.status === 'canceled') {
    return { event: 'error', data: job.error ?? { code: 'JOB_CANCELED', message: 'The turn was canceled' } };
  }
  if (job.stage === STAGE.transcript) return { event: 'transcript', data: { text: job.message ?? '' } };
  if (job.stage === STAGE.delta) return { event: 'reply.delta', data: { text: job.message ?? '' } };
  if (job.stage === STAGE.audio) return { event: 'audio', data: { url: job.message ?? '' } };
  return { event: 'status', data: { status: job.status, stage: job.stage } };
};
