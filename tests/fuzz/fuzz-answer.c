/*
 * fuzz-answer.c - libFuzzer target: any bytes as a model's answer,
 * checked by answer-check.h (what tq_ai_openai_answer() promises).
 * Built and run by tests/fuzz/run (FUZZ_TARGET=answer).
 */
#include <stddef.h>
#include <stdint.h>

#include "answer-check.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	answer_check(data, size);
	return 0;
}
