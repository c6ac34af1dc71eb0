/*
 * demo.d - the probes of the demo program (examples/demo): one provider,
 * probes covering integers of every width and sign, a string, a double,
 * a bool and a pointer.
 *
 *   tsdt-gen -h -s probes/demo.d -o demo_probes.h     # for the program
 *   tsdt-gen -B -s probes/demo.d -o demo_probes.bpf.h # for BPF handlers
 */
provider demo {
	/* a request arrives: its id, path and priority */
	probe request__start(uint64_t id, const char *path, int priority);
	/* and completes: status, bytes sent, seconds taken, success */
	probe request__done(uint64_t id, short status, unsigned int bytes,
			    double seconds, bool ok);
	/* one value of each integer width, signed and unsigned */
	probe ints(int8_t i8, uint8_t u8, int16_t i16, uint16_t u16,
		   int32_t i32, uint32_t u32, int64_t i64, uint64_t u64);
	/* a buffer handed out: its address and size */
	probe buffer(const void *addr, size_t size);
	/* a timer tick, no arguments */
	probe tick();
};
