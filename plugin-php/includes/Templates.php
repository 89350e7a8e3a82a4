<?php
/**
 * Theme-overridable templates for everything a shopper sees.
 *
 * @package Vafa
 */

namespace Vafa;

defined( 'ABSPATH' ) || exit;

/**
 * Renders templates from plugin-php/templates/. A theme overrides one by
 * copying it to its own vafa/ folder (for example
 * wp-content/themes/THEME/vafa/storefront/balance.php): with WooCommerce
 * active through wc_get_template_html (so WooCommerce's template tools see
 * them too), without it through locate_template.
 */
final class Templates {
	/**
	 * Returns the rendered template.
	 *
	 * @param string              $name Template path under templates/, e.g. "storefront/balance.php".
	 * @param array<string,mixed> $args Variables for the template.
	 */
	public static function render( string $name, array $args = array() ): string {
		$default = VAFA_DIR . '/templates/';
		if ( function_exists( 'wc_get_template_html' ) ) {
			return wc_get_template_html( $name, $args, 'vafa/', $default );
		}
		$file = locate_template( 'vafa/' . $name );
		if ( '' === $file ) {
			$file = $default . $name;
		}
		ob_start();
		( static function () use ( $file, $args ) {
			extract( $args, EXTR_SKIP ); // phpcs:ignore WordPress.PHP.DontExtract.extract_extract -- template variables, as wc_get_template does.
			include $file;
		} )();
		return (string) ob_get_clean();
	}
}
