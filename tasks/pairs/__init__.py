"""The pairs stage: which claims of an event meet (`candidates`), how two claims conflict
(`align`, `conflicts`, `features`, the learned `scorer`; `detect` puts them together), which
pairs are stored (`dedup`), and the opt-in model rescorers (`rescoring`, `detectors`).
`training` fits the scorer (`make model`)."""
