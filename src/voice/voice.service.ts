import { HttpStatus, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Request } from 'express';
import { Readable } from 'node:stream';
import { Not, Repository } from 'typeorm';
import type { AuthenticatedUser } from '../auth/current-user.decorator.js';
import { DomainError } from '../common/domain-error.js';
import { AppConfig } from '../config/app-config.js';
import { EngineError } from '../engines/engine-error.js';
import { SpeechToTextEngine } from '../engines/speech-to-text/speech-to-text.engine.js';
import { TextGenerationEngine, type ChatMessage } from '../engines/text-generation/text-generation.engine.js';
import { ReplySpeechEngine } from '../engines/text-to-speech/reply-speech.engine.js';
import { JobsService } from '../jobs/jobs.service.js';
import { ObjectStorage, type ObjectDownload } from '../storage/object-storage.js';
import { AUDIO_DESCRIPTION, isAudio } from '../storage/upload/audio-types.js';
import { receiveFileUpload } from '../storage/upload/file-upload.js';
import type { VoiceTurnStartedDto, AtotStepDto, FullPipelineDto, ProcessAudioDto, TtotStepDto, TtsStepDto, VoiceRootDto, VoiceUserRecordDto } from './dto/voice.dto.js';
import {
  voiceAudioNotFound,
  voiceStepOutOfOrder,
  voiceTextRequired,
  voiceTextTooLong,
  voiceTurnNotFound,
  voiceUserNotFound,
} from './voice-errors.js';
import { VOICE_TURN_JOB, type VoiceTurnJobPayload } from './voice-turn-job.constants.js';
import { VoiceTurnEntity, type VoiceStep, type VoiceStepError } from './voice-turn.entity.js';

/** What a turn starts from: typed text, or a request whose multipart body holds the audio. */
export type VoiceInput = { text?: string; req: Request };

/** Listeners of a streamed turn: each piece of the turn as soon as it exists. */
export interface TurnListener {
  transcript?(text: string): void;
  replyDelta?(text: string): void;
  audio?(url: string): void;
}

const MAX_AUDIO_BYTES = 25 * 1000 * 1000;
const HANGUL = /[\u1100-\u11ff\u3130-\u318f\uac00-\ud7a3]/;

const STT_VARIABLES =
  'set SPEECH_TO_TEXT_ENGINE=openai with STT_BASE_URL (and STT_API_KEY, STT_MODEL), or SPEECH_TO_TEXT_ENGINE=seed-atot with ATOT_URL';

export const inputUrl = (turn: VoiceTurnEntity) => (turn.inputKey ? `/voice/turns/${turn.id}/input` : null);
export const outputUrl = (turn: VoiceTurnEntity) => (turn.outputKey ? `/voice/turns/${turn.id}/output` : null);

/**
 * Voice chat (seed 000): speech → text → reply → speech, per signed-in user. Every step's outcome is written to
 * the user's turn as it happens, so a failed step still leaves the turn saved with what it has.
 */
@Injectable()
export class VoiceService {
  constructor(
    @InjectRepository(VoiceTurnEntity) private readonly turns: Repository<VoiceTurnEntity>,
    private readonly storage: ObjectStorage,
    private readonly speechToText: SpeechToTextEngine,
    private readonly textGeneration: TextGenerationEngine,
    private readonly speech: ReplySpeechEngine,
    private readonly config: AppConfig,
    private readonly jobs: JobsService,
  ) {}

  async root(user: AuthenticatedUser): Promise<VoiceRootDto> {
    return { message: 'This is the voice chat service', user: await this.record(user.id) };
  }

  /** A user's record: their own, or anyone's for an admin; 404 for another user's. */
  async userRecord(viewer: AuthenticatedUser, userId: string): Promise<VoiceUserRecordDto> {
    if (viewer.role !== 'admin' && viewer.id !== userId) throw voiceUserNotFound();
    return this.record(userId);
  }

  /** Admins: every user who has voice turns. */
  async users(): Promise<VoiceUserRecordDto[]> {
    const owners: Array<{ owner_id: string }> = await this.turns
      .createQueryBuilder('turn')
      .select('turn.owner_id', 'owner_id')
      .groupBy('turn.owner_id')
      .orderBy('MIN(turn.created_at)')
      .getRawMany();
    return Promise.all(owners.map(({ owner_id }) => this.record(owner_id)));
  }

  /** Step 1: a new open turn from audio (recognised) or text; an earlier unfinished turn is closed. */
  async atot(user: AuthenticatedUser, input: VoiceInput): Promise<AtotStepDto> {
    const turn = await this.start(user, input);
    await this.closeEarlierTurns(turn);
    await this.recognise(turn);
    return this.atotStep(turn);
  }

  /** The seed's GET /atot: the open turn's first step as it stands. */
  async openAtot(user: AuthenticatedUser): Promise<AtotStepDto> {
    const turn = await this.openTurn(user);
    if (!turn) throw voiceStepOutOfOrder('No open turn: call POST /voice/atot first');
    return this.atotStep(turn);
  }

  /** Step 2 on the open turn. */
  async ttot(user: AuthenticatedUser): Promise<TtotStepDto> {
    const turn = await this.openTurn(user);
    if (!turn || turn.steps.atot !== 'ok') throw voiceStepOutOfOrder('No recognised text to answer: call POST /voice/atot first');
    if (turn.steps.ttot === 'ok') throw voiceStepOutOfOrder('The open turn already has its reply: call POST /voice/process-audio next');
    await this.reply(turn);
    return this.ttotStep(turn);
  }

  /** Step 3 on the open turn: synthesis, then the turn is closed (saved even when synthesis fails). */
  async processAudio(user: AuthenticatedUser): Promise<ProcessAudioDto> {
    const turn = await this.openTurn(user);
    if (!turn || turn.steps.ttot !== 'ok') throw voiceStepOutOfOrder('No reply to speak: call POST /voice/atot, then POST /voice/ttot first');
    await this.speak(turn);
    await this.close(turn);
    const { output_wav_list } = await this.record(user.id);
    const ttsError = turn.errors.find((error) => error.step === 'tts');
    return {
      turn_id: turn.id,
      user_id: user.id,
      input_wav: inputUrl(turn),
      atot_text: turn.atotText,
      ttot_text: turn.ttotText,
      output_wav: outputUrl(turn),
      output_wav_list,
      tts_success: turn.steps.tts === 'ok',
      message: turn.steps.tts === 'ok' ? 'Saved the turn and its reply audio' : 'Saved the turn, but speech synthesis failed',
      ...(ttsError ? { tts_error: `${ttsError.code}: ${ttsError.message}` } : {}),
    };
  }

  /** All three steps on a new turn; each step runs only when the one before it succeeded. */
  async runFullPipeline(user: AuthenticatedUser, input: VoiceInput, listener: TurnListener = {}): Promise<FullPipelineDto> {
    const turn = await this.start(user, input);
    await this.closeEarlierTurns(turn);
    return this.runSteps(turn, listener);
  }

  async runSteps(turn: VoiceTurnEntity, listener: TurnListener = {}, signal?: AbortSignal): Promise<FullPipelineDto> {
    if (await this.recognise(turn, signal)) {
      listener.transcript?.(turn.atotText ?? '');
      if (await this.reply(turn, listener.replyDelta, signal)) {
        if (await this.speak(turn, signal)) listener.audio?.(outputUrl(turn)!);
      }
    }
    await this.close(turn);
    return this.fullPipeline(turn);
  }

  /** A new turn of the caller from their input; a refused input stores nothing. */
  async start(user: AuthenticatedUser, { text, req }: VoiceInput): Promise<VoiceTurnEntity> {
    const turn = this.turns.create({
      ownerId: user.id,
      inputKey: null,
      inputContentType: null,
      inputText: null,
      atotText: null,
      ttotText: null,
      outputKey: null,
      steps: { atot: 'pending', ttot: 'pending', tts: 'pending' },
      errors: [],
      latencyMs: {},
      engines: {},
      closed: false,
      jobId: null,
    });
    if (/^multipart\/form-data/i.test(req.headers['content-type'] ?? '')) {
      const id = crypto.randomUUID();
      const file = await receiveFileUpload(req, this.storage, {
        field: 'file',
        maxBytes: MAX_AUDIO_BYTES,
        timeoutMs: this.config.storage.uploadTimeoutMs,
        accept: isAudio,
        describe: AUDIO_DESCRIPTION,
        keyFor: (type) => `voice/${user.id}/${id}/input.${type.ext}`,
      });
      turn.id = id;
      turn.inputKey = file.key;
      turn.inputContentType = file.contentType;
    } else {
      if (typeof text !== 'string' || text.trim() === '') throw voiceTextRequired();
      if (text.length > this.config.voice.maxTextChars) throw voiceTextTooLong(text.length, this.config.voice.maxTextChars);
      turn.inputText = text;
    }
    return this.turns.save(turn);
  }

  /** The audio of one of the caller's turns; 404 for anyone else's. */
  async audio(user: AuthenticatedUser, turnId: string, which: 'input' | 'output'): Promise<ObjectDownload> {
    const turn = await this.turns.findOneBy({ id: turnId, ownerId: user.id });
    if (!turn) throw voiceTurnNotFound();
    const key = which === 'input' ? turn.inputKey : turn.outputKey;
    if (!key) throw voiceAudioNotFound();
    return this.storage.get(key);
  }

  /** POST /voice/turns: the turn is stored, and its steps run as a job whose stream carries each piece. */
  async startStreamedTurn(user: AuthenticatedUser, input: VoiceInput): Promise<VoiceTurnStartedDto> {
    const turn = await this.start(user, input);
    await this.closeEarlierTurns(turn);
    const payload: VoiceTurnJobPayload = { turnId: turn.id };
    const job = await this.jobs.create(VOICE_TURN_JOB, payload, { ownerId: user.id });
    await this.turns.update({ id: turn.id }, { jobId: job.id });
    return { turn_id: turn.id, job_id: job.id, events: `/voice/turns/${turn.id}/events` };
  }

  /** The job of one of the caller's streamed turns; 404 for anyone else's. */
  async turnJobId(user: AuthenticatedUser, turnId: string): Promise<string> {
    const { jobId } = await this.ownedTurn(user, turnId);
    if (!jobId) throw voiceTurnNotFound();
    return jobId;
  }

  async turnById(id: string): Promise<VoiceTurnEntity> {
    return this.turns.findOneByOrFail({ id });
  }

  async ownedTurn(user: AuthenticatedUser, turnId: string): Promise<VoiceTurnEntity> {
    const turn = await this.turns.findOneBy({ id: turnId, ownerId: user.id });
    if (!turn) throw voiceTurnNotFound();
    return turn;
  }

  fullPipeline(turn: VoiceTurnEntity): FullPipelineDto {
    const tts = this.ttsStep(turn);
    return {
      turn_id: turn.id,
      step1_atot: this.atotStep(turn),
      step2_ttot: this.ttotStep(turn),
      step3_tts: tts,
      success: turn.steps.atot === 'ok' && turn.steps.ttot === 'ok' && turn.steps.tts === 'ok',
      user_id: turn.ownerId,
      final_data: { input_wav: inputUrl(turn), atot_text: turn.atotText, ttot_text: turn.ttotText, output_wav: outputUrl(turn) },
      errors: turn.errors.map(({ step, code, message }) => ({ step, code, message })),
    };
  }

  private async recognise(turn: VoiceTurnEntity, signal?: AbortSignal): Promise<boolean> {
    return this.step(turn, 'atot', async () => {
      if (turn.inputText !== null) {
        turn.engines.atot = 'text';
        turn.atotText = turn.inputText;
        return;
      }
      if (!this.speechToText.configured) {
        throw new EngineError('ENGINE_NOT_CONFIGURED', `No speech-to-text engine is configured: ${STT_VARIABLES}`, false, HttpStatus.SERVICE_UNAVAILABLE);
      }
      turn.engines.atot = this.speechToText.name;
      const outcome = await this.speechToText.transcribe({
        jobId: turn.id,
        mediaKey: turn.inputKey!,
        signal: signal ?? new AbortController().signal,
        progress: async () => undefined,
        stillProcessing: async () => true,
      });
      if (outcome.status !== 'completed') {
        throw new EngineError('ENGINE_NOT_CONFIGURED', `The ${this.speechToText.name} engine answers later by callback; a voice turn needs an answer now: ${STT_VARIABLES}`, false, HttpStatus.SERVICE_UNAVAILABLE);
      }
      turn.atotText = outcome.transcript.text.trim();
    });
  }

  private async reply(turn: VoiceTurnEntity, onDelta?: (text: string) => void, signal?: AbortSignal): Promise<boolean> {
    return this.step(turn, 'ttot', async () => {
      turn.engines.ttot = this.textGeneration.name;
      const messages: ChatMessage[] = [{ role: 'system', content: this.config.voice.systemPrompt }];
      for (const earlier of await this.context(turn)) {
        messages.push({ role: 'user', content: earlier.atotText ?? '' }, { role: 'assistant', content: earlier.ttotText ?? '' });
      }
      messages.push({ role: 'user', content: turn.atotText ?? '' });
      const generation = await this.textGeneration.generate({ messages, signal, onDelta });
      turn.engines.ttot = `${generation.engine.name}:${generation.engine.model}`;
      turn.ttotText = generation.text;
    });
  }

  private async speak(turn: VoiceTurnEntity, signal?: AbortSignal): Promise<boolean> {
    return this.step(turn, 'tts', async () => {
      turn.engines.tts = this.speech.name;
      const text = turn.ttotText ?? '';
      const speech = await this.speech.speak(text, { language: HANGUL.test(text) ? 'ko' : 'en', signal });
      const stored = await this.storage.put(`voice/${turn.ownerId}/${turn.id}/output.${speech.extension}`, Readable.from(speech.audio), {
        contentType: speech.contentType,
      });
      turn.outputKey = stored.key;
    });
  }

  /** The earlier completed turns of the conversation, oldest first, at most VOICE_CONTEXT_TURNS. */
  private async context(turn: VoiceTurnEntity): Promise<VoiceTurnEntity[]> {
    if (this.config.voice.contextTurns === 0) return [];
    const earlier = await this.turns
      .createQueryBuilder('turn')
      .where('turn.owner_id = :owner AND turn.id <> :id AND turn.created_at <= :at', { owner: turn.ownerId, id: turn.id, at: turn.createdAt })
      .andWhere(`turn.steps->>'ttot' = 'ok'`)
      .orderBy('turn.created_at', 'DESC')
      .limit(this.config.voice.contextTurns)
      .getMany();
    return earlier.reverse();
  }

  /** Runs one step, records its status, latency and any error on the turn, and saves the turn. */
  private async step(turn: VoiceTurnEntity, step: VoiceStep, run: () => Promise<void>): Promise<boolean> {
    const started = performance.now();
    try {
      await run();
      turn.steps[step] = 'ok';
    } catch (failure) {
      if (!(failure instanceof DomainError)) throw failure;
      turn.steps[step] = 'failed';
      turn.errors = [...turn.errors.filter((error) => error.step !== step), { step, code: failure.code, message: failure.message }];
    } finally {
      turn.latencyMs[step] = Math.round(performance.now() - started);
      // update, not save: save reads the row back first, a second round trip per step.
      const { atotText, ttotText, outputKey, steps, errors, latencyMs, engines } = turn;
      await this.turns.update({ id: turn.id }, { atotText, ttotText, outputKey, steps, errors, latencyMs, engines });
    }
    return turn.steps[step] === 'ok';
  }

  /** A new turn replaces the user's open one (a refused input, stored nowhere, leaves it open). */
  private async closeEarlierTurns(turn: VoiceTurnEntity): Promise<void> {
    await this.turns.update({ ownerId: turn.ownerId, closed: false, id: Not(turn.id) }, { closed: true });
  }

  private async close(turn: VoiceTurnEntity): Promise<void> {
    turn.closed = true;
    await this.turns.update({ id: turn.id }, { closed: true });
  }

  private openTurn(user: AuthenticatedUser): Promise<VoiceTurnEntity | null> {
    return this.turns.findOne({ where: { ownerId: user.id, closed: false }, order: { createdAt: 'DESC' } });
  }

  private async record(userId: string): Promise<VoiceUserRecordDto> {
    const turns = await this.turns.find({ where: { ownerId: userId, closed: true }, order: { createdAt: 'ASC' } });
    return {
      id: userId,
      input_wav_list: turns.map(inputUrl),
      atot_text_list: turns.map((turn) => turn.atotText),
      ttot_text_list: turns.map((turn) => turn.ttotText),
      output_wav_list: turns.map(outputUrl),
    };
  }

  private atotStep(turn: VoiceTurnEntity): AtotStepDto {
    return {
      success: turn.steps.atot === 'ok',
      turn_id: turn.id,
      user_id: turn.ownerId,
      input_wav: inputUrl(turn),
      atot_text: turn.atotText,
      latency_ms: turn.latencyMs.atot ?? null,
      ...errorOf(turn.errors, 'atot'),
    };
  }

  private ttotStep(turn: VoiceTurnEntity): TtotStepDto {
    return {
      success: turn.steps.ttot === 'ok',
      turn_id: turn.id,
      user_id: turn.ownerId,
      ttot_text: turn.ttotText,
      latency_ms: turn.latencyMs.ttot ?? null,
      ...errorOf(turn.errors, 'ttot'),
    };
  }

  private ttsStep(turn: VoiceTurnEntity): TtsStepDto {
    const error = turn.errors.find((entry) => entry.step === 'tts');
    return {
      success: turn.steps.tts === 'ok',
      output_wav: outputUrl(turn),
      tts_error: error ? `${error.code}: ${error.message}` : null,
      latency_ms: turn.latencyMs.tts ?? null,
    };
  }
}

const errorOf = (errors: VoiceStepError[], step: VoiceStep) => {
  const error = errors.find((entry) => entry.step === step);
  return error ? { error: `${error.code}: ${error.message}` } : {};
};
