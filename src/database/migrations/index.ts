import { Platform1795495491467 } from './1795495491467-Platform.js';
import { Users1795496961562 } from './1795496961562-Users.js';
import { Catalog1795497526766 } from './1795497526766-Catalog.js';
import { Analysis1795498932894 } from './1795498932894-Analysis.js';
import { WebhookDeliveries1796230000000 } from './1796230000000-WebhookDeliveries.js';
import { Transcripts1796240000000 } from './1796240000000-Transcripts.js';
import { VoiceTurns1796250000000 } from './1796250000000-VoiceTurns.js';
import { MusicTracks1796260000000 } from './1796260000000-MusicTracks.js';

/** Every migration, oldest first (the CLI writes new ones here; add each to this list). */
export const MIGRATIONS = [
  Platform1795495491467,
  Users1795496961562,
  Catalog1795497526766,
  Analysis1795498932894,
  WebhookDeliveries1796230000000,
  Transcripts1796240000000,
  VoiceTurns1796250000000,
  MusicTracks1796260000000,
];
