import { openAsBlob } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppConfig } from '../../../config/app-config.js';
import { ObjectStorage } from '../../../storage/object-storage.js';
import { extractSpeechAudio } from '../../audio/extract-speech-audio.js';
import { RemoteEngineClient } from '../../remote/remote-engine-client.js';
import { SpeechToTextEngine, type Transcript, type TranscriptionOutcome, type TranscriptionRequest } from '../speech-to-text.engine.js';
import { joinTranscripts, normaliseWhisperTranscript } from '../whisper-transcript.js';

/**
 * Any OpenAI-compatible `POST {STT_BASE_URL}/audio/transcriptions` server: OpenAI, faster-whisper servers,
 * whisper.cpp's server, vLLM. The audio is extracted first (16 kHz mono MP3, a few MB an hour), cut under the
 * server's upload limit (25 MB at OpenAI), each piece sent as a file (read from disk as it is sent), and the
 * pieces' transcripts joined with their offsets. Each request is idempotent, so the client retries it.
 */
export class OpenAiSpeechToTextEngine extends SpeechToTextEngine {
  readonly name = 'openai';
  readonly configured = true;

  constructor(
    private readonly storage: ObjectStorage,
    private readonly client: RemoteEngineClient,
    private readonly config: AppConfig,
  ) {
    super();
  }

  async transcribe({ mediaKey, signal, progress }: TranscriptionRequest): Promise<TranscriptionOutcome> {
    const { openai, timeoutMs, retries, retryDelayMs } = this.config.speechToText;
    const engine = { name: this.name, model: openai.model };
    const dir = await mkdtemp(join(tmpdir(), 'yousync-stt-'));
    try {
      await progress(5, 'extracting', 'Extracting the audio');
      const source = await this.storage.presignGet(mediaKey, { expiresInSeconds: Math.max(3600, this.config.storage.signedUrlTtlSeconds) });
      const audio = await extractSpeechAudio(source, dir, { maxPieceBytes: openai.maxChunkBytes, signal });
      const pieces: Array<{ offset: number; transcript: Transcript }> = [];
      for (const [index, piece] of audio.pieces.entries()) {
        const total = audio.pieces.length;
        await progress(20 + (75 * index) / total, 'transcribing', total > 1 ? `Transcribing part ${index + 1} of ${total}` : 'Transcribing');
        const form = new FormData();
        form.append('file', await openAsBlob(piece.path, { type: 'audio/mpeg' }), `part-${index + 1}.mp3`);
        form.append('model', openai.model);
        form.append('response_format', 'verbose_json');
        form.append('timestamp_granularities[]', 'word');
        form.append('timestamp_granularities[]', 'segment');
        const response = await this.client.request({
          engine: 'openai-speech-to-text',
          url: `${openai.baseUrl}/audio/transcriptions`,
          body: form,
          headers: openai.apiKey ? { authorization: `Bearer ${openai.apiKey}` } : {},
          idempotent: true,
          timeoutMs,
          retries,
          retryDelayMs,
          signal,
        });
        pieces.push({ offset: piece.offset, transcript: normaliseWhisperTranscript(response.data, engine, { duration: piece.duration }) });
      }
      await progress(95, 'storing', 'Storing the transcript');
      return { status: 'completed', transcript: joinTranscripts(pieces, audio.duration) };
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
}
