package io.github.sitecorecdp.fake;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.github.sitecorecdp.fake.RecordedCdpRequest.Kind;

/**
 * The requests the fake's servers received, in the order they were answered. One journal
 * is shared by the servers of a {@link FakeSitecoreCdp}, so that its order spans all three.
 */
final class Journal {

	private final List<RecordedCdpRequest> requests = new CopyOnWriteArrayList<>();

	void add(RecordedCdpRequest request) {
		this.requests.add(request);
	}

	List<RecordedCdpRequest> all() {
		return List.copyOf(this.requests);
	}

	List<RecordedCdpRequest> of(Kind kind) {
		return this.requests.stream().filter((request) -> request.kind() == kind).toList();
	}

	void clear(Kind kind) {
		this.requests.removeIf((request) -> request.kind() == kind);
	}

}
