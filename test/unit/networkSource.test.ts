import assert from 'node:assert/strict';
import { networkOf, sourceTagger } from '../../server/conference/networkSource';

describe('Network sources: what one anonymous budget is counted under', () => {
  it('is the address for IPv4 (also when written IPv4-mapped) and the /64 for IPv6', () => {
    assert.equal(networkOf('198.51.100.7'), '198.51.100.7');
    assert.equal(networkOf('::ffff:198.51.100.7'), '198.51.100.7');
    assert.equal(networkOf('2001:db8:aa:1::1'), '2001:db8:aa:1::/64');
    assert.equal(networkOf('2001:0db8:00aa:0001:ffff:1:2:3'), '2001:db8:aa:1::/64');
    assert.notEqual(networkOf('2001:db8:aa:2::1'), networkOf('2001:db8:aa:1::1'));
    assert.equal(networkOf('not an address'), 'not an address');
  });

  it('tags a network the same way with the same secret, differently with another, and never shows the address', () => {
    const tag = sourceTagger('a deployment secret of enough length 1234');
    const again = sourceTagger('a deployment secret of enough length 1234');
    const other = sourceTagger('another deployment secret of enough length');
    assert.equal(tag('2001:db8:aa:1::1'), again('2001:db8:aa:1:9::9'));
    assert.notEqual(tag('198.51.100.7'), tag('198.51.100.8'));
    assert.notEqual(tag('198.51.100.7'), other('198.51.100.7'));
    assert.ok(!tag('198.51.100.7').includes('198'));
    assert.match(tag('198.51.100.7'), /^[A-Za-z0-9_-]{10}$/);
  });
});
