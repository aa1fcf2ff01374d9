"""Running an evaluation: the pipeline, the runner, executors, on-the-fly summarisers, progress."""
