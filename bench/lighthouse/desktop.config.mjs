// Lighthouse's desktop audit (its --preset=desktop), waiting longer for a first paint, as mobile.config.mjs.
import desktop from 'lighthouse/core/config/desktop-config.js';

export default {...desktop, settings: {...desktop.settings, maxWaitForFcp: 90_000, maxWaitForLoad: 90_000}};
