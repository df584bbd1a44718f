# Copyright (c) segface-mmseg contributors. All rights reserved.
"""A plain re-statement of the official SegFace neck and head computation.

Written from the architecture description (unfused neck, attention as an
explicit softmax(q k^T / sqrt(d)) v, every step as the official code orders
it), it reads the weights of this package's modules, so tests and benchmarks
can compare the optimised modules against it on the same parameters.
"""
import math

import torch
import torch.nn.functional as F
from torch import Tensor


def reference_neck(neck, features):
    """The official MLP fusion with ``neck``'s weights.

    Args:
        neck (MLPFusionNeck): Source of the weights.
        features (Sequence[Tensor]): Levels, B x C_i x H_i x W_i, finest
            first.

    Returns:
        Tensor: B x 256 x H_0 x W_0.
    """
    size = features[0].shape[2:]
    levels = []
    for x, proj in zip(features, neck.level_projs):
        b, _, h, w = x.shape
        tokens = x.flatten(2).transpose(1, 2)  # B x hw x C_i
        tokens = tokens @ proj.weight.t() + proj.bias  # B x hw x 256
        level = tokens.permute(0, 2, 1).reshape(b, -1, h, w)
        levels.append(
            F.interpolate(
                level, size=size, mode='bilinear', align_corners=False))
    stacked = torch.cat(levels[::-1], dim=1)
    return F.conv2d(stacked, neck.fuse_conv.weight)


def _attention(attn, q: Tensor, k: Tensor, v: Tensor) -> Tensor:
    """Explicit multi-head attention with ``attn``'s projections."""

    def heads(x):
        b, n, c = x.shape
        return x.reshape(b, n, attn.num_heads,
                         c // attn.num_heads).transpose(1, 2)

    q, k, v = heads(attn.q_proj(q)), heads(attn.k_proj(k)), heads(
        attn.v_proj(v))
    weights = torch.softmax(
        q @ k.transpose(2, 3) / math.sqrt(q.shape[-1]), dim=-1)
    out = (weights @ v).transpose(1, 2)
    return attn.out_proj(out.reshape(out.shape[0], out.shape[1], -1))


def _block(block, queries, keys, query_pe, key_pe):
    if block.skip_first_layer_pe:
        queries = _attention(block.self_attn, queries, queries, queries)
    else:
        q = queries + query_pe
        queries = queries + _attention(block.self_attn, q, q, queries)
    queries = block.norm1(queries)
    q, k = queries + query_pe, keys + key_pe
    queries = block.norm2(
        queries + _attention(block.cross_attn_token_to_image, q, k, keys))
    queries = block.norm3(queries + block.mlp(queries))
    q, k = queries + query_pe, keys + key_pe
    keys = block.norm4(
        keys + _attention(block.cross_attn_image_to_token, k, q, queries))
    return queries, keys


def reference_head(head, face_tokens):
    """The official SegFace decoder with ``head``'s weights.

    Args:
        head (SegFaceHead): Source of the weights.
        face_tokens (Tensor): B x 256 x h x w fused map.

    Returns:
        Tensor: Logits, B x N x 4h x 4w.
    """
    b, c, h, w = face_tokens.shape
    # positional encoding of pixel centres, (x, y) order
    grid = torch.ones((h, w))
    y = (grid.cumsum(dim=0) - 0.5) / h
    x = (grid.cumsum(dim=1) - 0.5) / w
    coords = 2 * torch.stack([x, y], dim=-1) - 1
    coords = 2 * math.pi * (
        coords @ head.pe_layer.positional_encoding_gaussian_matrix)
    image_pe = torch.cat([coords.sin(), coords.cos()], dim=-1).permute(2, 0, 1)
    image_pe = image_pe.unsqueeze(0).expand(b, -1, -1, -1)

    tokens = head.class_tokens.weight.unsqueeze(0).expand(b, -1, -1)
    transformer = head.transformer
    keys = face_tokens.flatten(2).permute(0, 2, 1)
    key_pe = image_pe.flatten(2).permute(0, 2, 1)
    queries = tokens
    for block in transformer.layers:
        queries, keys = _block(block, queries, keys, tokens, key_pe)
    queries = transformer.norm_final_attn(
        queries + _attention(transformer.final_attn_token_to_image, queries +
                             tokens, keys + key_pe, keys))

    src = keys.transpose(1, 2).reshape(b, c, h, w)
    upscaled = head.output_upscaling(src)
    hyper_in = head.output_hypernetwork_mlp(queries)
    b, c_up, h_up, w_up = upscaled.shape
    return (hyper_in @ upscaled.reshape(b, c_up, h_up * w_up)).reshape(
        b, -1, h_up, w_up)


def reference_dice_loss(logits: Tensor, labels: Tensor) -> Tensor:
    """The official per-class loop of SegFace's Dice loss (softmax=True)."""
    num_classes = logits.shape[1]
    probs = torch.softmax(logits, dim=1)
    loss = 0.0
    for i in range(num_classes):
        score, target = probs[:, i], (labels == i).float()
        intersect = torch.sum(score * target)
        dice = (2 * intersect + 1e-5) / (
            torch.sum(score * score) + torch.sum(target * target) + 1e-5)
        loss += 1 - dice
    return loss / num_classes


def reference_forward(segmentor, inputs: Tensor) -> Tensor:
    """Backbone, official neck and official head with ``segmentor``'s
    weights.

    Args:
        segmentor (EncoderDecoder): A SegFace segmentor (backbone, neck
            :class:`MLPFusionNeck`, head :class:`SegFaceHead`).
        inputs (Tensor): Normalised images, B x 3 x H x W.

    Returns:
        Tensor: Logits, B x N x H x W.
    """
    features = segmentor.backbone(inputs)
    return reference_head(segmentor.decode_head,
                          reference_neck(segmentor.neck, features))


def reference_loss(logits: Tensor, labels: Tensor) -> Tensor:
    """The official training loss: 0.5 * cross-entropy + 0.5 * Dice."""
    return 0.5 * F.cross_entropy(logits, labels) + 0.5 * reference_dice_loss(
        logits, labels)
