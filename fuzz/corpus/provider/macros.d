#define A unsigned int
#define B A *
# 5 "x.d"
provider p { probe a(B b, struct s *const p, void); }
#line 9 "y.d"
#undef A
