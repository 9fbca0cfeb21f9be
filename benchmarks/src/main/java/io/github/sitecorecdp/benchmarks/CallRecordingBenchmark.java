package io.github.sitecorecdp.benchmarks;

import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.runner.IterationType;

/**
 * The state of a client-bound benchmark whose calls a {@link CallRecorder} notes: the
 * recorder starts afresh with each iteration, and each measured one (not warm-up) ends
 * with its line in {@link CallRecorder#RESULTS}. Public, as JMH's generated code calls
 * these fixtures from a package of its own.
 */
@State(Scope.Benchmark)
public abstract class CallRecordingBenchmark {

	/** Made by the subclass's trial set-up, which knows its line's client and server. */
	CallRecorder recorder;

	@Setup(Level.Iteration)
	public void startIteration() {
		this.recorder.start();
	}

	@TearDown(Level.Iteration)
	public void finishIteration(IterationParams params) {
		if (params.getType() == IterationType.MEASUREMENT) {
			this.recorder.finish();
		}
	}

}
