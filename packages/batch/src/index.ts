export { GroupCommit } from './group-commit.js';
