# The two entry points of the README. Both install missing Debian packages first.
.PHONY: setup output test rules-test bench

setup:
	@scripts/setup

# Annotate the sample articles into output/ (release build).
output: setup
	swift build -c release --product zhtag
	.build/release/zhtag run seeds --out output

# Build and run every test (unit, rule examples, goldens, schemas, CLI).
test: setup
	swift test

# Run only the examples written in the rule files.
rules-test:
	swift run zhtag rules test
