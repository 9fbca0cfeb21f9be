/**
 * A fake Sitecore CDP on loopback, split by what it fakes: the OAuth2 token endpoint
 * ({@link io.github.sitecorecdp.fake.FakeTokenEndpoint}), the REST API
 * ({@link io.github.sitecorecdp.fake.FakeCdpApi}) and the host of presigned files
 * ({@link io.github.sitecorecdp.fake.FakeFileHost}), with
 * {@link io.github.sitecorecdp.fake.FakeSitecoreCdp} putting the three together.
 */
@NullMarked
package io.github.sitecorecdp.fake;

import org.jspecify.annotations.NullMarked;
