/* End-to-end tests: real Nx workspaces in temp dirs, the packed plugin installed from its tarball, real go. */
export default {
  displayName: 'nx-go-e2e',
  preset: '../../jest.preset.js',
  rootDir: '.',
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
  globalSetup: '<rootDir>/src/support/global-setup.ts',
  testTimeout: 300_000,
};
