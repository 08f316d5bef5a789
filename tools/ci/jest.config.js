/* Unit tests of the CI tools (tools/ci): plain JavaScript, as the recipe runs them. */
module.exports = {
  displayName: 'tools-ci',
  testEnvironment: 'node',
  rootDir: __dirname,
  testMatch: ['<rootDir>/*.spec.js'],
};
