import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Readable } from 'node:stream';
import { DataSource } from 'typeorm';
import { encodeWav, decodeWav } from '../../engines/audio/wav.js';
import { TextToSpeechEngine } from '../../engines/text-to-speech/text-to-speech.engine.js';
import { ActorEntity } from '../actor.entity.js';
import type { ImportScriptsDto } from '../dto/catalog-input.dto.js';
import { SourceUrlEntity } from '../source-url.entity.js';
import { TokenEntity } from '../token.entity.js';
import { TokensService } from '../tokens.service.js';
import { youtubeIdOf } from '../urls.service.js';
import { DEMO_ACTORS, DEMO_TAGS, DEMO_TOKENS, DEMO_URLS, type DemoToken } from './demo-catalog.js';

// Silence before, between and after sentences: a clip that starts mid-word is not a clip.
const PAUSE_SECONDS = 0.3;

export interface SeedReport {
  created: number;
  existing: number;
}

/**
 * Loads the demo catalog, idempotently: actors and URLs are matched by name and address, tokens by title, actor
 * and start time; a token that already has its clip is left alone. The audio and every word timing come from
 * the built-in synthesiser; scripts go through the same validation as an admin's import.
 */
@Injectable()
export class DemoCatalogSeeder {
  private readonly logger = new Logger(DemoCatalogSeeder.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly tokens: TokensService,
    private readonly speech: TextToSpeechEngine,
  ) {}

  async seed(): Promise<SeedReport> {
    const actors = new Map<string, number>();
    for (const actor of DEMO_ACTORS) {
      await this.dataSource.createQueryBuilder().insert().into(ActorEntity).values(actor).orIgnore().execute();
      actors.set(actor.name, (await this.dataSource.getRepository(ActorEntity).findOneByOrFail({ name: actor.name })).id);
    }
    const urls = new Map<string, number>();
    for (const { url, title } of DEMO_URLS) {
      await this.dataSource.createQueryBuilder().insert().into(SourceUrlEntity).values({ url, title, youtubeId: youtubeIdOf(url) }).orIgnore().execute();
      urls.set(url, (await this.dataSource.getRepository(SourceUrlEntity).findOneByOrFail({ url })).id);
    }

    const report: SeedReport = { created: 0, existing: 0 };
    for (const demo of DEMO_TOKENS) {
      const actorId = actors.get(demo.actor)!;
      const repository = this.dataSource.getRepository(TokenEntity);
      const found = await repository.findOneBy({ title: demo.title, actorId, startTime: demo.startTime });
      const urlId = urls.get(demo.url)!;
      // Catalogs seeded before "The Long Road Home" had its own trailer pointed its lines at another film's.
      if (found && found.urlId !== urlId) await repository.update(found.id, { urlId });
      if (found?.audioKey) {
        report.existing++;
        continue;
      }
      const clip = await this.synthesize(demo);
      const token =
        found ??
        (await repository.save(
          repository.create({
            title: demo.title,
            actorId,
            urlId,
            startTime: demo.startTime,
            endTime: Math.round((demo.startTime + clip.duration) * 1000) / 1000,
            language: demo.language,
            tags: DEMO_TAGS,
          }),
        ));
      await this.tokens.importScripts(token.id, clip.transcript);
      await this.tokens.attachClip(token.id, Readable.from([clip.audio]), 'audio/wav', 'wav');
      report.created++;
    }
    this.logger.log(`demo catalog: ${report.created} tokens created, ${report.existing} already there`);
    return report;
  }

  /** The token's sentences spoken one after another with pauses, as one WAV and a Whisper-style transcript. */
  private async synthesize(demo: DemoToken): Promise<{ audio: Buffer; duration: number; transcript: ImportScriptsDto }> {
    const parts: Int16Array[] = [];
    const segments: ImportScriptsDto['segments'] = [];
    let sampleRate = 0;
    let offset = 0;
    const silence = (seconds: number) => {
      const samples = new Int16Array(Math.round(seconds * sampleRate));
      parts.push(samples);
      offset += samples.length / sampleRate;
    };
    for (const sentence of demo.sentences) {
      const spoken = await this.speech.synthesize(sentence, { language: demo.language, voice: demo.voice });
      const decoded = decodeWav(spoken.audio);
      if (sampleRate === 0) {
        sampleRate = decoded.sampleRate;
        silence(PAUSE_SECONDS);
      }
      const start = offset;
      parts.push(decoded.samples);
      offset += decoded.samples.length / sampleRate;
      segments.push({
        start: round(start),
        end: round(offset),
        text: sentence,
        words: spoken.words.map((word) => ({ word: word.text, start: round(start + word.start), end: round(start + word.end), probability: 1 })),
      });
      silence(PAUSE_SECONDS);
    }
    const samples = new Int16Array(parts.reduce((total, part) => total + part.length, 0));
    let position = 0;
    for (const part of parts) {
      samples.set(part, position);
      position += part.length;
    }
    const duration = samples.length / sampleRate;
    return { audio: encodeWav(samples, sampleRate), duration, transcript: { segments } };
  }
}

const round = (seconds: number) => Math.round(seconds * 1000) / 1000;
