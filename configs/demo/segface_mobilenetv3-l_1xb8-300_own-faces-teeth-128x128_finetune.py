# The fine-tuning tutorial (docs/finetune.md): the scratch config, started
# from the demo checkpoint (`make demo` writes it) with the class tokens
# carried over by name: the merged pairs start from the mean of their two
# tokens, teeth from the mean of all 19, every other weight as trained.
# ClassTransferHook loads it strictly before the first iteration (load_from
# would skip the class tokens, whose shape changed, with a warning).
_base_ = './segface_mobilenetv3-l_1xb8-300_own-faces-teeth-128x128.py'

custom_hooks = [
    dict(
        type='ClassTransferHook',
        checkpoint='work_dirs/demo/best_mF1_iter_1000.pth',
        mapping=dict(
            ears=['l_ear', 'r_ear'],
            brows=['l_brow', 'r_brow'],
            eyes=['l_eye', 'r_eye']),
        new_classes=['teeth'],
        new_init='mean')
]
