// SPDX-License-Identifier: MIT
// actfn's relu and sigmoid as C++ autograd ops,
// to measure the per-call cost of a libtorch extension against the Python-level Function.
#include <torch/extension.h>
#include "actfn.h"

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

static torch::Tensor run_forward(actfn_kind kind, const torch::Tensor &x) {
    auto c = x.contiguous();
    auto y = torch::empty_like(c);
    actfn_op op = actfn_op_init(kind);
    actfn_forward(&op, ACTFN_F32, c.data_ptr<float>(), y.data_ptr<float>(), (size_t)c.numel());
    return y;
}

static torch::Tensor run_backward(actfn_kind kind, const torch::Tensor &x,
                                  const torch::Tensor &dy) {
    auto c = x.contiguous(), g = dy.contiguous();
    auto dx = torch::empty_like(c);
    actfn_op op = actfn_op_init(kind);
    actfn_backward(&op, ACTFN_F32, c.data_ptr<float>(), g.data_ptr<float>(), dx.data_ptr<float>(),
                   (size_t)c.numel());
    return dx;
}

template <actfn_kind K> struct Op : public torch::autograd::Function<Op<K>> {
    static torch::Tensor forward(AutogradContext *ctx, torch::Tensor x) {
        ctx->save_for_backward({x});
        return run_forward(K, x);
    }
    static variable_list backward(AutogradContext *ctx, variable_list grads) {
        auto saved = ctx->get_saved_variables();
        return {run_backward(K, saved[0], grads[0])};
    }
};

torch::Tensor relu(torch::Tensor x) {
    return Op<ACTFN_RELU>::apply(x);
}
torch::Tensor sigmoid(torch::Tensor x) {
    return Op<ACTFN_SIGMOID>::apply(x);
}

PYBIND11_MODULE(TORCH_EXTENSION_NAME, m) {
    m.def("relu", &relu);
    m.def("sigmoid", &sigmoid);
}
