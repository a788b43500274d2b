// Moved to src/testing/ so the demo (src/demo/) can use it without importing from test/.
export * from '../../src/testing/github';
