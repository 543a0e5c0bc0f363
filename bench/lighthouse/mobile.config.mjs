// Lighthouse's default (mobile) audit, waiting longer for a first paint: this machine is shared,
// and on a loaded one the 30 s default stopped runs of a page that does paint.
export default {
  extends: 'lighthouse:default',
  settings: {maxWaitForFcp: 90_000, maxWaitForLoad: 90_000},
};
