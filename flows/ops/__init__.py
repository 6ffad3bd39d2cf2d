"""Running the flows in production: deployments and the worker (`serve`), state hooks that
record a run's end (`hooks`), the analysis runners (`runners`), and start-up (`startup`)."""
