provider p {
	probe a(char **argv, unsigned long long, const char *s) ;
	// c
	/* d */probe b(void);
};
