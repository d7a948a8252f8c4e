import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { main } from './cli.ts';

test('main returns 0', async () => {
  assert.is(await main([]), 0);
});
test.run();
