import { setUpCatalog } from './catalog.js';
import { setUpDub } from './dub.js';
import { setUpMusic } from './music.js';
import { setUpMypage } from './mypage.js';
import { setUpSignIn } from './sign-in.js';
import { setUpVideo } from './video.js';
import { setUpVoice } from './voice.js';

// Panels that do not depend on who is signed in first; then the session, which tells the others.
setUpDub();
setUpVideo();
setUpVoice();
setUpMusic();
await setUpSignIn();
await Promise.all([setUpCatalog(), setUpMypage()]);
document.body.dataset.ready = 'true';
