import { Module } from '@nestjs/common';
import { AppConfig } from '../../config/app-config.js';
import { RemoteEngineClient } from '../remote/remote-engine-client.js';
import { RemoteEngineModule } from '../remote/remote-engine.module.js';
import { TextToSpeechEngine } from '../text-to-speech/text-to-speech.engine.js';
import { TextToSpeechModule } from '../text-to-speech/text-to-speech.module.js';
import { BuiltinMusicEngine } from './builtin/builtin-music.engine.js';
import { MusicEngine } from './music.engine.js';
import { RemoteMusicEngine } from './remote/remote-music.engine.js';
import { YueMusicEngine } from './yue/yue-music.engine.js';

/** MUSIC_ENGINE=builtin (default: the procedural synthesizer, sung by eSpeak NG), yue (YuE's infer.py), or remote (a seed 004 server). */
@Module({
  imports: [RemoteEngineModule, TextToSpeechModule],
  providers: [
    {
      provide: MusicEngine,
      inject: [AppConfig, RemoteEngineClient, TextToSpeechEngine],
      useFactory: (config: AppConfig, client: RemoteEngineClient, speech: TextToSpeechEngine) => {
        switch (config.music.engine) {
          case 'yue':
            return new YueMusicEngine(config);
          case 'remote':
            return new RemoteMusicEngine(client, config);
          default:
            return new BuiltinMusicEngine(speech);
        }
      },
    },
  ],
  exports: [MusicEngine],
})
export class MusicEngineModule {}
