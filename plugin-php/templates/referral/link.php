<?php
/**
 * [vafa_referral_link]: the shopper's referral link with a copy button.
 *
 * Override by copying to yourtheme/vafa/referral/link.php.
 *
 * @package Vafa
 *
 * @var string $link   The referral link.
 * @var string $code   The referral code.
 * @var string $locale The shopper's locale.
 */

use Vafa\Format;

defined( 'ABSPATH' ) || exit;
?>
<span class="vafa vafa-referral-link" dir="<?php echo Format::is_rtl( $locale ) ? 'rtl' : 'ltr'; ?>"><a href="<?php echo esc_url( $link ); ?>" dir="ltr"><?php echo esc_html( $link ); ?></a> <button type="button" class="button vafa-copy" data-code="<?php echo esc_attr( $link ); ?>" onclick="navigator.clipboard&&navigator.clipboard.writeText(this.dataset.code)"><?php esc_html_e( 'Copy', 'vafa' ); ?></button></span>
