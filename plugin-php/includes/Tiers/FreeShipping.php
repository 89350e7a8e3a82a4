<?php
/**
 * The free-shipping perk at checkout (classic and block).
 *
 * @package Vafa
 */

namespace Vafa\Tiers;

defined( 'ABSPATH' ) || exit;

/**
 * Makes every shipping rate free for a shopper whose tier has the perk.
 * Both checkouts (the classic form and the Store API behind the block
 * checkout) price shipping through WC_Shipping, so one filter serves both.
 */
final class FreeShipping {
	/**
	 * Hooks the package and rate filters.
	 */
	public static function register(): void {
		// The perk is part of the package, so WooCommerce's cached rates (kept
		// in the session by package hash) are computed again when it changes.
		add_filter( 'woocommerce_cart_shipping_packages', array( self::class, 'mark_packages' ) );
		add_filter( 'woocommerce_package_rates', array( self::class, 'free_rates' ), 100, 2 );
	}

	/**
	 * Adds the perk to every package of a shopper who has it.
	 *
	 * @param array<int,array<string,mixed>> $packages Shipping packages.
	 * @return array<int,array<string,mixed>>
	 */
	public static function mark_packages( $packages ) {
		if ( ! is_array( $packages ) || ! Status::free_shipping( get_current_user_id() ) ) {
			return $packages;
		}
		foreach ( $packages as $i => $package ) {
			$packages[ $i ]['vafa_free_shipping'] = true;
		}
		return $packages;
	}

	/**
	 * Zeroes the cost and taxes of every rate of a marked package.
	 *
	 * @param array<string,\WC_Shipping_Rate> $rates   The package's rates.
	 * @param array<string,mixed>             $package The package.
	 * @return array<string,\WC_Shipping_Rate>
	 */
	public static function free_rates( $rates, $package ) {
		if ( ! is_array( $rates ) || empty( $package['vafa_free_shipping'] ) ) {
			return $rates;
		}
		foreach ( $rates as $rate ) {
			if ( $rate instanceof \WC_Shipping_Rate && (float) $rate->get_cost() > 0 ) {
				$rate->set_cost( '0' );
				$rate->set_taxes( array() );
				/* translators: %s: shipping method name, e.g. Flat rate */
				$rate->set_label( sprintf( __( '%s (free for your status)', 'vafa' ), $rate->get_label() ) );
			}
		}
		return $rates;
	}
}
