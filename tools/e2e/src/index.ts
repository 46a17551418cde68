/** The end-to-end harness, for the specs here and for the demo. */
export * from './requests';
export * from './stack';
