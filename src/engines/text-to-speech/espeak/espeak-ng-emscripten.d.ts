// The package ships no types; this covers only what the eSpeak engine uses (espeak-ng.js, version 0.3.5).
declare module '@echogarden/espeak-ng-emscripten' {
  export interface EspeakNGEvent {
    type: 'word' | 'sentence' | 'mark' | 'play' | 'end' | 'msg_terminated' | 'phoneme' | 'samplerate';
    /** 1-based, in Unicode code points of the text handed to synthesize(). */
    text_position: number;
    word_length: number;
    /** Milliseconds from the start of the audio. */
    audio_position: number;
    /** The IPA phoneme for 'phoneme' events, the word or sentence number for 'word' and 'sentence'. */
    id: string | number | undefined;
  }

  export interface EspeakNGVoice {
    name: string;
    identifier: string;
    languages: { priority: number; name: string }[];
  }

  export interface EspeakNGWorker {
    /** 0 on success; on failure the previous voice stays selected. */
    set_voice(name: string): number;
    set_rate(wordsPerMinute: number): void;
    /** Pitch range, 0 (monotone) to 100; 50 is eSpeak's default. Kept until set again. */
    set_range(range: number): void;
    get_samplerate(): number;
    list_voices(): EspeakNGVoice[];
    /** Text is read as SSML with [[phoneme]] input enabled; return true from the callback to stop. */
    synthesize(text: string, onChunk: (samples: Int16Array, events: EspeakNGEvent[]) => boolean): void;
    /** A pointer to a malloc'ed C string of phonemes separated by '_' (IPA when useIpa is 1). */
    text_to_phonemes(text: string, useIpa: number): { ptr: number };
  }

  export interface EspeakNGModule {
    eSpeakNGWorker: new () => EspeakNGWorker;
    HEAPU8: Uint8Array;
    _free(pointer: number): void;
    FS: { readdir(path: string): string[] };
  }

  const initialize: () => Promise<EspeakNGModule>;
  export default initialize;
}
