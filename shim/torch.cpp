// torch.cpp: placeholder
extern "C" int mrs_torch_placeholder(void) { return 0; }
