"""What a run and its pairs become for people: tables on the console (`render`), the export
formats (`export`), the run digest (`digest`) and its delivery to chat and mail (`delivery`)."""
