"""`factcheck demo`: a small fictional corpus (`corpus/`) served as feeds and pages on loopback
(`site`), so that the whole pipeline runs offline. Tests and benchmarks serve corpora with it too."""
