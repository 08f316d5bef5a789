/* Unit tests of the plugin: pure modules, with stubs where a process would be spawned. */
export default {
  displayName: 'nx-go',
  preset: '../../jest.preset.js',
  rootDir: '.',
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
};
