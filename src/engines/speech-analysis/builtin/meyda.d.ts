// meyda 5.6.3 ships an ES-module `export default` declaration for a CommonJS bundle, which nodenext resolves
// to `.default` (undefined at run time); this covers only what the analyzer uses.
declare module 'meyda' {
  interface Meyda {
    bufferSize: number;
    sampleRate: number;
    /** 'rect' leaves the buffer as it is. */
    windowingFunction: string;
    /** The buffer's length must be a power of two; the spectrum has bufferSize / 2 bins. */
    extract(feature: 'amplitudeSpectrum', signal: Float32Array): Float32Array;
  }
  const meyda: Meyda;
  export default meyda;
}
