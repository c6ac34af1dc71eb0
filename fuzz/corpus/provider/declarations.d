/* app */
struct req;

provider app {
	probe begin(struct req *r);
	probe tr(int a, char *b) : (int a, string b);
};
